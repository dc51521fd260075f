#include "engine/recorders.hpp"

namespace rockpool {

TSEvent SpikeRecorder::to_tsevent(Time t_start, Time t_stop) const {
  TSEvent::Options options;
  options.num_channels = num_channels_;
  options.t_start = t_start;
  options.t_stop = t_stop;
  options.name = name_;
  return TSEvent(times_, std::vector<Channel>(channels_.begin(), channels_.end()), options);
}

TSContinuous StateRecorder::to_tscontinuous() const {
  TSContinuous::Options options;
  options.name = name_;
  options.interpolation = Interpolation::kLinear;
  return TSContinuous(times_, samples_, neurons_.size(), options);
}

}  // namespace rockpool
