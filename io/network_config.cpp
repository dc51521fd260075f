#include "io/network_config.hpp"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/error.hpp"
#include "engine/sources.hpp"
#include "network_config.pb.h"

namespace rockpool {
namespace {

namespace pb = google::protobuf;

struct Location {
  std::size_t line = 1;
  std::size_t column = 1;
};

// One step of an entry's path, "node[2]" or "model".
struct PathStep {
  std::string field;
  int index = -1;  // -1: a singular field
};

std::vector<PathStep> split_path(std::string_view path) {
  std::vector<PathStep> steps;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    PathStep step;
    const std::size_t bracket = part.find('[');
    step.field = std::string(part.substr(0, bracket));
    if (bracket != std::string_view::npos) step.index = std::stoi(std::string(part.substr(bracket + 1)));
    steps.push_back(std::move(step));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return steps;
}

// "sizeIn" -> "size_in": proto3 JSON accepts either spelling of a field; paths use the
// proto names.
std::string snake_case(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string indexed(std::string_view field, std::size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

// ---------------------------------------------------------------------------------------
// JSON: a strict scanner that reports syntax errors with their line and column (the
// protobuf JSON parser gives neither, and accepts trailing commas) and records where each
// key and array element starts, by path, so that later errors can point at the entry.

class JsonScanner {
 public:
  JsonScanner(std::string_view text, const std::string& file) : text_(text), file_(file) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  std::map<std::string, Location> scan() {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '{') fail("a config in JSON is one object: expected '{'");
    value("");
    skip_space();
    if (pos_ < text_.size()) fail("unexpected text after the end of the config object");
    return std::move(locations_);
  }

  Location location(std::size_t offset) const {
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    return {line, offset - line_starts_[line - 1] + 1};
  }

 private:
  [[noreturn]] void fail(std::string_view problem) const {
    const Location at = location(pos_);
    throw ConfigError(file_, at.line, at.column, problem);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void value(const std::string& path) {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of the file: expected a value");
    const char c = text_[pos_];
    if (c == '{') return object(path);
    if (c == '[') return array(path);
    if (c == '"') {
      string();
      return;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
    for (const std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return;
      }
    }
    fail("expected a value (object, array, string, number, true, false or null)");
  }

  void object(const std::string& path) {
    ++pos_;  // '{'
    skip_space();
    if (take('}')) return;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a key in double quotes");
      const std::size_t key_at = pos_;
      const std::string key = snake_case(string());
      const std::string child = path.empty() ? key : path + "." + key;
      locations_.emplace(child, location(key_at));
      skip_space();
      if (!take(':')) fail("expected ':' after the key \"" + key + "\"");
      value(child);
      skip_space();
      if (take('}')) return;
      if (!take(',')) fail("expected ',' or '}'");
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == '}') fail("a trailing ',' before '}' is not JSON");
    }
  }

  void array(const std::string& path) {
    ++pos_;  // '['
    skip_space();
    if (take(']')) return;
    for (std::size_t i = 0;; ++i) {
      skip_space();
      const std::string child = path + "[" + std::to_string(i) + "]";
      locations_.emplace(child, location(pos_));
      value(child);
      skip_space();
      if (take(']')) return;
      if (!take(',')) fail("expected ',' or ']'");
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ']') fail("a trailing ',' before ']' is not JSON");
    }
  }

  // The string's content with escapes kept (keys need no unescaping beyond that).
  std::string string() {
    ++pos_;  // '"'
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const char c = text_[pos_];
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character (such as a line break) inside a string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size() || std::string_view("\"\\/bfnrtu").find(text_[pos_]) == std::string_view::npos) {
          fail("unknown escape in a string");
        }
      }
      out += text_[pos_++];
    }
    if (!take('"')) fail("a string is not closed (missing '\"')");
    return out;
  }

  void number() {
    take('-');
    auto digits = [&] {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ == start) fail("malformed number");
    };
    digits();
    if (take('.')) digits();
    if (take('e') || take('E')) {
      if (!take('+')) take('-');
      digits();
    }
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::vector<std::size_t> line_starts_;
  std::map<std::string, Location> locations_;
};

// The protobuf JSON parser's messages look like "(node[1].size): invalid value -1 for
// type TYPE_UINT64" or "(node[0]) nam: Cannot find field.": the path of the entry, then
// the problem. Returns the entry's path and a message for people.
std::pair<std::string, std::string> split_json_error(std::string message) {
  std::string path, rest = message;
  if (!message.empty() && message.front() == '(') {
    const std::size_t close = message.find(')');
    if (close != std::string::npos) {
      path = message.substr(1, close - 1);
      rest = message.substr(close + 1);
      while (!rest.empty() && (rest.front() == ':' || rest.front() == ' ')) rest.erase(0, 1);
    }
  }
  const std::string unknown = ": Cannot find field.";
  if (rest.size() > unknown.size() && rest.compare(rest.size() - unknown.size(), unknown.size(), unknown) == 0) {
    const std::string field = rest.substr(0, rest.size() - unknown.size());
    const std::string where = path;
    path = path.empty() ? snake_case(field) : path + "." + snake_case(field);
    std::string problem = "unknown field \"" + field + "\"";
    if (!where.empty()) problem += " in " + where;
    return {path, problem};
  }
  std::string normalized;
  for (const PathStep& s : split_path(path)) {
    if (!normalized.empty()) normalized += '.';
    normalized += snake_case(s.field);
    if (s.index >= 0) normalized += indexed("", static_cast<std::size_t>(s.index));
  }
  std::string problem = normalized;
  if (!problem.empty()) problem += ": ";
  problem += rest;
  return {normalized, problem};
}

// Text format: the first error the protobuf parser reports, with its position.
class FirstError : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (seen) return;
    seen = true;
    at = {static_cast<std::size_t>(line + 1), static_cast<std::size_t>(column + 1)};
    text = message;
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}
  bool seen = false;
  Location at;
  std::string text;
};

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of the `index`-th entry of a kind (inputs 1, nodes 2, projections 3) when the
// config gives it none: a pure function of the run's seed, so runs stay reproducible.
std::uint64_t derived_seed(std::uint64_t run_seed, std::uint64_t stream, std::size_t index) {
  return splitmix64(splitmix64(run_seed ^ (stream << 56)) + index);
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------

struct NetworkConfig::Impl {
  std::string file;
  std::string base_dir;
  ConfigSyntax syntax = ConfigSyntax::kText;
  config::Config message;
  pb::TextFormat::ParseInfoTree tree;             // text: where each field was parsed
  std::map<std::string, Location> json_locations;  // JSON: the same, by path
  std::vector<ConfigInput> inputs;
  std::vector<ConfigRecord> records;
  ConfigRun run;

  Location locate(std::string_view path) const {
    if (syntax == ConfigSyntax::kJson) {
      std::string p(path);
      for (;;) {
        const auto it = json_locations.find(p);
        if (it != json_locations.end()) return it->second;
        const std::size_t cut = p.find_last_of(".[");
        if (cut == std::string::npos) return {};
        p.resize(cut);
      }
    }
    const pb::Descriptor* type = config::Config::descriptor();
    const pb::TextFormat::ParseInfoTree* node = &tree;
    Location best;
    for (const PathStep& step : split_path(path)) {
      const pb::FieldDescriptor* field = type ? type->FindFieldByName(step.field) : nullptr;
      if (!field || !node) break;
      const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
      const pb::TextFormat::ParseLocation at = node->GetLocation(field, index);
      if (at.line < 0) break;
      best = {static_cast<std::size_t>(at.line + 1), static_cast<std::size_t>(at.column + 1)};
      if (field->message_type() == nullptr || (field->is_repeated() && step.index < 0)) break;
      node = node->GetTreeForNested(field, index);
      type = field->message_type();
    }
    return best;
  }

  [[noreturn]] void fail(std::string_view path, std::string_view problem) const {
    const Location at = locate(path);
    throw ConfigError(file, at.line, at.column, problem);
  }

  Duration duration(std::string_view path, const std::string& text) const {
    try {
      return parse_duration(text, path);
    } catch (const Error& e) {
      fail(path, e.what());
    }
  }

  void extract();
};

void NetworkConfig::Impl::extract() {
  const config::Config& c = message;
  std::map<std::string, std::string> names;  // name -> path of its entry
  auto claim = [&](const std::string& name, const std::string& path, std::string_view what) {
    if (name.empty()) fail(path, std::string(what) + " needs a name");
    const auto [it, fresh] = names.emplace(name, path);
    if (!fresh) {
      const Location first = locate(it->second);
      fail(path + ".name", "the name '" + name + "' is already used (at line " + std::to_string(first.line) + ")");
    }
  };

  for (int i = 0; i < c.input_size(); ++i) {
    const config::Input& in = c.input(i);
    const std::string path = indexed("input", i);
    claim(in.name(), path, "an input");
    ConfigInput out;
    out.name = in.name();
    out.size = in.size();
    switch (in.source_case()) {
      case config::Input::kPoisson:
        out.kind = ConfigInput::Kind::kPoisson;
        if (in.poisson().rate_size() == 0) fail(path + ".poisson", "a Poisson input needs a rate (Hz)");
        break;
      case config::Input::kSession:
        out.kind = ConfigInput::Kind::kSession;
        out.continuous = in.session().continuous();
        break;
      case config::Input::kRegular:
        out.kind = ConfigInput::Kind::kRegular;
        if (duration(path + ".regular.period", in.regular().period()) <= Duration::zero()) {
          fail(path + ".regular.period", "the period must be positive");
        }
        if (!in.regular().phase().empty()) duration(path + ".regular.phase", in.regular().phase());
        break;
      default:  // a log, possibly given only on the command line
        out.kind = ConfigInput::Kind::kLog;
        if (in.has_log() && !in.log().path().empty()) {
          const std::filesystem::path p(in.log().path());
          out.path = p.is_absolute() ? p.string() : (std::filesystem::path(base_dir) / p).lexically_normal().string();
        }
        break;
    }
    if (out.kind != ConfigInput::Kind::kLog && out.size == 0) fail(path, "input '" + out.name + "' needs a size (channels)");
    inputs.push_back(std::move(out));
  }
  for (int i = 0; i < c.node_size(); ++i) {
    const std::string path = indexed("node", i);
    claim(c.node(i).name(), path, "a node");
    if (c.node(i).model().empty()) fail(path, "node '" + c.node(i).name() + "' needs a model");
    if (c.node(i).size() == 0) fail(path, "node '" + c.node(i).name() + "' needs a size (>= 1)");
  }
  for (int i = 0; i < c.projection_size(); ++i) {
    const config::Projection& p = c.projection(i);
    const std::string path = indexed("projection", i);
    if (!names.count(p.from())) {
      fail(p.from().empty() ? path : path + ".from", "projection from an unknown node '" + p.from() + "'");
    }
    if (!names.count(p.to())) fail(p.to().empty() ? path : path + ".to", "projection to an unknown node '" + p.to() + "'");
    if (names.at(p.to()).starts_with("input")) fail(path + ".to", "'" + p.to() + "' is an input: it takes no projections");
    if (p.kind_case() == config::Projection::KIND_NOT_SET) {
      fail(path, "projection '" + p.from() + "' -> '" + p.to() + "' needs a kind: dense, one_to_one, random or synapses");
    }
    if (!p.delay().empty() && duration(path + ".delay", p.delay()) < Duration::zero()) {
      fail(path + ".delay", "the delay must not be negative");
    }
  }
  for (int i = 0; i < c.record_size(); ++i) {
    const config::Record& r = c.record(i);
    const std::string path = indexed("record", i);
    if (!names.count(r.node())) fail(r.node().empty() ? path : path + ".node", "record of an unknown node '" + r.node() + "'");
    ConfigRecord out;
    out.node = r.node();
    out.state.assign(r.state().begin(), r.state().end());
    out.spikes = r.has_spikes() ? r.spikes() : out.state.empty();
    out.path = r.path();
    if (!out.state.empty()) {
      if (r.every().empty()) fail(path, "recording state needs `every` (the sampling period)");
      out.every = duration(path + ".every", r.every());
      if (out.every <= Duration::zero()) fail(path + ".every", "the sampling period must be positive");
    }
    if (!out.spikes && out.state.empty()) fail(path, "the record asks for nothing (spikes: false and no state)");
    records.push_back(std::move(out));
  }
  if (c.has_run()) {
    run.seed = c.run().seed();
    if (!c.run().duration().empty()) {
      run.duration = duration("run.duration", c.run().duration());
      if (*run.duration <= Duration::zero()) fail("run.duration", "the duration must be positive");
    }
    if (!c.run().t_start().empty()) run.t_start = Time::zero() + duration("run.t_start", c.run().t_start());
  }
}

NetworkConfig::NetworkConfig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NetworkConfig::NetworkConfig(NetworkConfig&&) noexcept = default;
NetworkConfig& NetworkConfig::operator=(NetworkConfig&&) noexcept = default;
NetworkConfig::~NetworkConfig() = default;

ConfigSyntax NetworkConfig::detect_syntax(std::string_view content) {
  for (const char c : content) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' ? ConfigSyntax::kJson : ConfigSyntax::kText;
  }
  return ConfigSyntax::kText;
}

NetworkConfig NetworkConfig::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open the config");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw IoError(path, "cannot read the config");
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parse(content.str(), path, parent.empty() ? "." : parent.string());
}

NetworkConfig NetworkConfig::parse(std::string_view content, std::string file, std::string base_dir) {
  auto impl = std::make_unique<Impl>();
  impl->file = std::move(file);
  impl->base_dir = std::move(base_dir);
  impl->syntax = detect_syntax(content);
  if (impl->syntax == ConfigSyntax::kJson) {
    impl->json_locations = JsonScanner(content, impl->file).scan();
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = pb::util::JsonStringToMessage(pb::StringPiece(content.data(), content.size()), &impl->message, options);
    if (!status.ok()) {
      const auto [path, problem] = split_json_error(std::string(status.message()));
      impl->fail(path, problem);
    }
  } else {
    FirstError errors;
    pb::TextFormat::Parser parser;
    parser.RecordErrorsTo(&errors);
    parser.WriteLocationsTo(&impl->tree);
    if (!parser.ParseFromString(std::string(content), &impl->message)) {
      Location at = errors.at;
      // Protobuf reports an unknown field at the token after its name; point at the name.
      const std::string marker = "has no field named \"";
      const std::size_t m = errors.text.find(marker);
      if (m != std::string::npos) {
        const std::string field = errors.text.substr(m + marker.size(), errors.text.find('"', m + marker.size()) - m - marker.size());
        std::size_t begin = 0;
        for (std::size_t line = 1; line < at.line && begin != std::string_view::npos; ++line) {
          begin = content.find('\n', begin);
          if (begin != std::string_view::npos) ++begin;
        }
        if (begin != std::string_view::npos) {
          const std::string_view line = content.substr(begin, at.column > 0 ? at.column - 1 : 0);
          const std::size_t found = line.rfind(field);
          if (!field.empty() && found != std::string_view::npos) at.column = found + 1;
        }
      }
      throw ConfigError(impl->file, at.line, at.column, errors.seen ? errors.text : "cannot parse the config");
    }
  }
  impl->extract();
  return NetworkConfig(std::move(impl));
}

const std::string& NetworkConfig::file() const { return impl_->file; }
ConfigSyntax NetworkConfig::syntax() const { return impl_->syntax; }
const std::string& NetworkConfig::name() const { return impl_->message.name(); }
const std::vector<ConfigInput>& NetworkConfig::inputs() const { return impl_->inputs; }
const std::vector<ConfigRecord>& NetworkConfig::records() const { return impl_->records; }
const ConfigRun& NetworkConfig::run() const { return impl_->run; }

void NetworkConfig::fail_at_record(std::size_t index, std::string_view problem) const {
  impl_->fail(indexed("record", index), problem);
}

BuiltNetwork NetworkConfig::build(const ConfigBuildOptions& options) const { return build(options, builtin_models()); }

namespace {

// A projection onto block `block` of a clocked layer's input (block_size channels each):
// the same synapses with their targets moved by block * block_size.
Projection onto_block(const Projection& p, std::size_t block, std::size_t block_size, std::size_t size_in) {
  ProjectionBuilder b(p.num_pre(), size_in, 0, p.num_synapses());
  const auto offset = static_cast<NeuronIndex>(block * block_size);
  for (NeuronIndex pre = 0; pre < p.num_pre(); ++pre) {
    for (std::uint32_t g = p.groups_begin(pre); g < p.groups_begin(pre + 1); ++g) {
      const auto targets = p.group_targets(g);
      const auto weights = p.group_weights(g);
      for (std::size_t k = 0; k < targets.size(); ++k) b.add(pre, targets[k] + offset, weights[k], p.group_delay(g));
    }
  }
  return std::move(b).build();
}

}  // namespace

BuiltNetwork NetworkConfig::build(const ConfigBuildOptions& options, const ModelRegistry& models) const {
  const Impl& m = *impl_;
  const config::Config& c = m.message;
  BuiltNetwork built;
  Network& net = built.network;
  std::vector<std::size_t> blocks;  // per NodeId: input blocks (BuiltModel::input_blocks)

  for (int i = 0; i < c.input_size(); ++i) {
    const config::Input& in = c.input(i);
    const ConfigInput& info = m.inputs[i];
    const std::string path = indexed("input", i);
    std::unique_ptr<Node> node;
    const std::string* given = nullptr;  // the log input_paths gives it, the last if several
    for (const auto& [name, p] : options.input_paths) {
      if (name == info.name) given = &p;
    }
    auto log_source = [&](const std::string& file, const std::string& where) {
      EventLogSource::Options o;
      o.reader = options.reader;
      o.channels = info.size;
      o.out_of_range = options.out_of_range;
      try {
        node = std::make_unique<EventLogSource>(file, o);
      } catch (const Error& e) {
        if (given) throw;  // the file came from the caller, not from the config
        m.fail(where, e.what());
      }
      built.log_inputs.push_back(static_cast<NodeId>(net.num_nodes()));
    };
    if (info.kind == ConfigInput::Kind::kLog) {
      const std::string file = given ? *given : info.path;
      if (file.empty()) {
        m.fail(path, "input '" + info.name + "' reads a log, but no file is given (in the config's log { path: ... } "
                     "or on the command line)");
      }
      log_source(file, path + ".log.path");
    } else if (info.kind == ConfigInput::Kind::kSession) {
      if (given) {
        if (info.continuous) {
          m.fail(path + ".session", "input '" + info.name + "' takes continuous values pushed through a Session; "
                                    "an event log cannot feed it");
        }
        log_source(*given, path);
      } else if (options.session_input) {
        node = options.session_input(info);
        built.session_inputs.push_back(static_cast<NodeId>(net.num_nodes()));
      } else if (info.continuous) {
        m.fail(path + ".session", "input '" + info.name + "' takes continuous values the application pushes through "
                                  "a Session: it cannot run without one");
      } else {
        m.fail(path + ".session", "input '" + info.name + "' is fed by the application through a Session: to run "
                                  "it here, give it a log (rockpool run --input " + info.name + "=FILE, or rockpool "
                                  "replay FILE)");
      }
    } else if (info.kind == ConfigInput::Kind::kPoisson) {
      const config::PoissonInput& p = in.poisson();
      const std::uint64_t seed = p.has_seed() ? p.seed() : derived_seed(m.run.seed, 1, i);
      std::vector<double> rates(p.rate().begin(), p.rate().end());
      if (rates.size() != 1 && rates.size() != info.size) {
        m.fail(path + ".poisson.rate", "gives " + std::to_string(rates.size()) + " rates for " +
                                           std::to_string(info.size) + " channels (give 1 or one per channel)");
      }
      if (rates.size() == 1) rates.assign(info.size, rates[0]);
      try {
        node = std::make_unique<PoissonSource>(std::move(rates), seed);
      } catch (const Error& e) {
        m.fail(path + ".poisson", e.what());
      }
    } else {
      const config::RegularInput& r = in.regular();
      node = std::make_unique<RegularSource>(
          info.size, m.duration(path + ".regular.period", r.period()),
          r.phase().empty() ? Duration::zero() : m.duration(path + ".regular.phase", r.phase()));
    }
    net.add(info.name, std::move(node));
    blocks.push_back(1);
  }

  for (int i = 0; i < c.node_size(); ++i) {
    const config::Node& n = c.node(i);
    const std::string path = indexed("node", i);
    std::vector<ModelParam> list;
    for (const config::Param& p : n.param()) list.push_back({p.name(), {p.value().begin(), p.value().end()}, p.text()});
    // Errors name the parameter (InvalidArgument::argument()): point at its entry.
    auto where = [&](const InvalidArgument& e) {
      for (int k = 0; k < n.param_size(); ++k) {
        if (n.param(k).name() == e.argument()) return path + "." + indexed("param", k);
      }
      if (e.argument() == "model" || e.argument() == "size" || e.argument() == "size_in") return path + "." + e.argument();
      return path;
    };
    const std::string what = "node '" + n.name() + "' (" + n.model() + "): ";
    try {
      const ModelParams params(std::move(list));
      BuiltModel model =
          models.build(n.model(), {n.name(), n.size(), n.size_in(), params, derived_seed(m.run.seed, 2, i), &net});
      net.add(n.name(), std::move(model.node));
      blocks.push_back(model.input_blocks);
    } catch (const InvalidArgument& e) {
      m.fail(where(e), what + e.what());
    } catch (const Error& e) {
      m.fail(path, what + e.what());
    }
  }

  for (int i = 0; i < c.projection_size(); ++i) {
    const config::Projection& p = c.projection(i);
    const std::string path = indexed("projection", i);
    const std::string what = "projection '" + p.from() + "' -> '" + p.to() + "': ";
    const NodeId from = net.id(p.from()), to = net.id(p.to());
    const Node& target = net.node(to);
    const std::size_t num_pre = net.node(from).size_out();
    // Continuous values into a spiking node are a current input: onto its neurons, no blocks.
    const bool current = net.node(from).output_signal() == Signal::kContinuous &&
                         target.input_signal() == Signal::kSpikes;
    const std::size_t num_blocks = current ? 1 : blocks[to];
    const std::size_t num_post = current ? target.size_out() : target.size_in() / num_blocks;
    const Duration delay = p.delay().empty() ? Duration::zero() : m.duration(path + ".delay", p.delay());
    // A layer with input blocks takes the port as the block; its projection has port 0.
    if (num_blocks > 1 && p.port() >= num_blocks) {
      m.fail(path + ".port", what + "port " + std::to_string(p.port()) + ", but '" + p.to() + "' has " +
                                 std::to_string(num_blocks) + " synaptic ports");
    }
    const std::uint32_t port = num_blocks > 1 ? 0 : p.port();
    try {
      Projection projection = [&] {
        switch (p.kind_case()) {
          case config::Projection::kDense: {
            std::vector<double> w(p.dense().weights().begin(), p.dense().weights().end());
            if (w.empty()) w.assign(num_pre * num_post, p.weight());
            if (w.size() != num_pre * num_post) {
              m.fail(path + ".dense", what + "dense weights have " + std::to_string(w.size()) + " values for " +
                                          std::to_string(num_pre) + " x " + std::to_string(num_post) + " synapses");
            }
            return Projection::dense(num_pre, num_post, w, delay, port);
          }
          case config::Projection::kOneToOne:
            if (num_pre != num_post) {
              m.fail(path + ".one_to_one", what + "one-to-one needs equal sizes, but '" + p.from() + "' has " +
                                               std::to_string(num_pre) + " outputs and '" + p.to() + "' " +
                                               std::to_string(num_post) + " inputs");
            }
            return Projection::one_to_one(num_pre, p.weight(), delay, port);
          case config::Projection::kRandom: {
            const double prob = p.random().p();
            if (!(prob >= 0.0 && prob <= 1.0)) m.fail(path + ".random", what + "p must lie in [0, 1]");
            const std::uint64_t seed = p.random().has_seed() ? p.random().seed() : derived_seed(m.run.seed, 3, i);
            return Projection::random(num_pre, num_post, prob, p.weight(), delay, seed, port);
          }
          default: {
            std::vector<Synapse> synapses;
            for (int k = 0; k < p.synapses().synapse_size(); ++k) {
              const config::Synapse& s = p.synapses().synapse(k);
              const std::string spath = path + ".synapses." + indexed("synapse", k);
              synapses.push_back({s.pre(), s.post(), s.has_weight() ? s.weight() : p.weight(),
                                  s.delay().empty() ? delay : m.duration(spath + ".delay", s.delay())});
              if (s.pre() >= num_pre || s.post() >= num_post) {
                m.fail(spath, what + "synapse " + std::to_string(s.pre()) + " -> " + std::to_string(s.post()) +
                                  " is out of range (" + std::to_string(num_pre) + " x " + std::to_string(num_post) + ")");
              }
            }
            return Projection::from_synapses(num_pre, num_post, std::move(synapses), port);
          }
        }
      }();
      if (num_blocks > 1) projection = onto_block(projection, p.port(), num_post, target.size_in());
      net.connect(from, to, std::move(projection));
    } catch (const ConfigError&) {
      throw;
    } catch (const Error& e) {
      m.fail(path, what + e.what());
    }
  }

  for (std::size_t i = 0; i < m.records.size(); ++i) {
    const ConfigRecord& r = m.records[i];
    const std::string path = indexed("record", i);
    const Node& node = net.node(net.id(r.node));
    if (r.spikes && node.output_signal() != Signal::kSpikes) {
      m.fail(path, "'" + r.node + "' gives " + std::string(signal_name(node.output_signal())) +
                       " output, not spikes: record its state instead (state: ... every: ...)");
    }
    const auto names = node.state_names();
    for (std::size_t k = 0; k < r.state.size(); ++k) {
      if (std::find(names.begin(), names.end(), r.state[k]) == names.end()) {
        std::vector<std::string> known(names.begin(), names.end());
        m.fail(path + "." + indexed("state", k), "'" + r.node + "' has no state variable '" + r.state[k] +
                                                     "' (it has: " + (known.empty() ? "none" : join(known)) + ")");
      }
    }
  }
  return built;
}

}  // namespace rockpool
