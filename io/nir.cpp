#include "io/nir.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <set>

#include "engine/error.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"

namespace rockpool {

const NirNode* NirGraph::find(const std::string& name) const {
  for (const NirNode& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

bool is_hdf5_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  char head[8] = {};
  in.read(head, 8);
  return in.gcount() == 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0;
}

// ---------------------------------------------------------------------------------------
// The HDF5 layer. Every hid_t is owned by an H5Handle (closed at scope end); HDF5's own
// error printing is switched off and every failure becomes a FormatError (reading) or an
// IoError (writing) naming the object's path in the file.
namespace {

class H5Handle {
 public:
  H5Handle() = default;
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    reset();
    id_ = std::exchange(o.id_, H5I_INVALID_HID);
    close_ = o.close_;
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

void quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Largest array we read: 2^27 values (1 GiB of doubles). A NIR file holds weight matrices;
// anything bigger is a damaged or hostile size field, refused before allocating.
constexpr std::uint64_t kMaxValues = std::uint64_t{1} << 27;

struct Reader {
  const std::string& file;

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw FormatError(file, 0, where + ": " + problem);
  }

  bool exists(hid_t loc, const std::string& name) const { return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0; }

  // The dataspace's dimensions (empty for a scalar), checked against kMaxValues.
  std::vector<std::size_t> dims(hid_t dataset, const std::string& where) const {
    H5Handle space(H5Dget_space(dataset), H5Sclose);
    if (!space.valid()) fail(where, "cannot read its dataspace");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 32) fail(where, "unreadable dataspace");
    std::vector<hsize_t> d(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), d.data(), nullptr) < 0) fail(where, "unreadable dims");
    std::uint64_t total = 1;
    std::vector<std::size_t> out;
    for (const hsize_t x : d) {
      if (x > kMaxValues || (x != 0 && total > kMaxValues / x)) fail(where, "absurd size (more than 2^27 values)");
      total *= x;
      out.push_back(static_cast<std::size_t>(x));
    }
    return out;
  }

  // Strings of a string dataset (variable or fixed length), row-major.
  std::vector<std::string> strings(hid_t loc, const std::string& name, const std::string& where) const {
    H5Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) fail(where, "cannot open the dataset");
    H5Handle type(H5Dget_type(ds.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_STRING) fail(where, "not a string dataset");
    std::size_t count = 1;
    for (const std::size_t d : dims(ds.get(), where)) count *= d;
    std::vector<std::string> out;
    if (count == 0) return out;
    const htri_t variable = H5Tis_variable_str(type.get());
    if (variable < 0) fail(where, "unreadable string type");
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    if (variable) {
      H5Tset_size(mem.get(), H5T_VARIABLE);
      std::vector<char*> raw(count, nullptr);
      if (H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0) fail(where, "cannot read");
      for (char* s : raw) out.emplace_back(s ? s : "");
      H5Handle space(H5Dget_space(ds.get()), H5Sclose);
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, raw.data());
    } else {
      const std::size_t size = H5Tget_size(type.get());
      if (size == 0 || size > 65536) fail(where, "absurd string size");
      H5Tset_size(mem.get(), size);
      H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
      std::vector<char> raw(count * size);
      if (H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0) fail(where, "cannot read");
      for (std::size_t k = 0; k < count; ++k) {
        const char* s = raw.data() + k * size;
        out.emplace_back(s, strnlen(s, size));
      }
    }
    return out;
  }

  std::string string(hid_t loc, const std::string& name, const std::string& where) const {
    const auto s = strings(loc, name, where);
    if (s.size() != 1) fail(where, "expected one string, found " + std::to_string(s.size()));
    return s[0];
  }

  // A numeric dataset, or nothing if it is not numeric (strings, compounds, enums).
  std::optional<NirArray> numbers(hid_t dataset, const std::string& where) const {
    H5Handle type(H5Dget_type(dataset), H5Tclose);
    const H5T_class_t c = H5Tget_class(type.get());
    if (c != H5T_INTEGER && c != H5T_FLOAT) return std::nullopt;
    NirArray a;
    a.shape = dims(dataset, where);
    a.integer = c == H5T_INTEGER;
    std::size_t count = 1;
    for (const std::size_t d : a.shape) count *= d;
    a.values.resize(count);
    if (count && H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0) {
      fail(where, "cannot read its values (damaged or truncated data?)");
    }
    return a;
  }

  // Member names of a group, in name order (deterministic whatever the creation order).
  std::vector<std::string> members(hid_t group, const std::string& where) const {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) fail(where, "cannot list the group");
    if (info.nlinks > 1'000'000) fail(where, "absurd member count");
    std::vector<std::string> out;
    for (hsize_t k = 0; k < info.nlinks; ++k) {
      const ssize_t n = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
      if (n < 0) fail(where, "cannot read member " + std::to_string(k));
      std::string name(static_cast<std::size_t>(n), '\0');
      H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size() + 1, H5P_DEFAULT);
      out.push_back(std::move(name));
    }
    return out;
  }

  NirNode node(hid_t nodes, const std::string& name, const std::string& where) const {
    H5Handle g(H5Gopen2(nodes, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail(where, "not a group (every NIR node is a group)");
    NirNode n;
    n.name = name;
    if (!exists(g.get(), "type")) fail(where, "has no `type`");
    n.type = string(g.get(), "type", where + "/type");
    if (n.type == "NIRGraph") {
      fail(where, "NIR node '" + name + "' is a subgraph (NIRGraph): nested graphs are not supported; flatten it");
    }
    for (const std::string& m : members(g.get(), where)) {
      if (m == "type") continue;
      H5Handle obj(H5Oopen(g.get(), m.c_str(), H5P_DEFAULT), H5Oclose);
      if (!obj.valid()) fail(where + "/" + m, "cannot open");
      if (H5Iget_type(obj.get()) != H5I_DATASET) continue;  // input_type, output_type, metadata
      if (auto a = numbers(obj.get(), where + "/" + m)) n.params.emplace(m, std::move(*a));
    }
    // Newer nir versions may keep an Input's or Output's shape only in its type dict.
    // (H5Lexists wants every component of a path but the last to exist: check in steps.)
    const bool in = n.type == "Input", out = n.type == "Output";
    const std::string dict = in ? "input_type" : "output_type", key = in ? "input" : "output";
    if ((in || out) && !n.params.count("shape") && exists(g.get(), dict) && exists(g.get(), dict + "/" + key)) {
      H5Handle ds(H5Dopen2(g.get(), (dict + "/" + key).c_str(), H5P_DEFAULT), H5Dclose);
      if (ds.valid()) {
        if (auto a = numbers(ds.get(), where + "/" + dict + "/" + key)) n.params.emplace("shape", std::move(*a));
      }
    }
    return n;
  }
};

}  // namespace

NirGraph read_nir_graph(const std::string& path) {
  if (!std::filesystem::exists(path)) throw IoError(path, "no such file");
  if (!is_hdf5_file(path)) throw FormatError(path, 0, "not an HDF5 file (no HDF5 signature): not a NIR graph");
  quiet_hdf5();
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw FormatError(path, 0, "HDF5 cannot open it (truncated or damaged file)");
  const Reader r{path};
  NirGraph g;
  if (r.exists(file.get(), "version")) g.version = r.string(file.get(), "version", "/version");
  // Current layout: the graph in /node; nir <= 0.0.5: at the root.
  std::string base = "/node";
  if (!r.exists(file.get(), "node")) {
    if (!r.exists(file.get(), "nodes")) {
      throw FormatError(path, 0, "an HDF5 file without a NIR graph (no /node group): not a NIR file");
    }
    base = "";
  }
  H5Handle graph(H5Gopen2(file.get(), base.empty() ? "/" : base.c_str(), H5P_DEFAULT), H5Gclose);
  if (!graph.valid()) r.fail(base, "not a group");
  if (!base.empty()) {
    if (!r.exists(graph.get(), "type")) r.fail(base, "has no `type`");
    const std::string type = r.string(graph.get(), "type", base + "/type");
    if (type != "NIRGraph") r.fail(base + "/type", "is '" + type + "', expected NIRGraph");
  }
  if (!r.exists(graph.get(), "nodes")) r.fail(base, "has no `nodes` group");
  H5Handle nodes(H5Gopen2(graph.get(), "nodes", H5P_DEFAULT), H5Gclose);
  if (!nodes.valid()) r.fail(base + "/nodes", "not a group");
  for (const std::string& name : r.members(nodes.get(), base + "/nodes")) {
    g.nodes.push_back(r.node(nodes.get(), name, base + "/nodes/" + name));
  }
  if (r.exists(graph.get(), "edges")) {
    const std::string where = base + "/edges";
    H5Handle ds(H5Dopen2(graph.get(), "edges", H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) r.fail(where, "not a dataset");
    const auto shape = r.dims(ds.get(), where);
    const auto names = r.strings(graph.get(), "edges", where);
    if (!names.empty() && (shape.size() != 2 || shape[1] != 2)) {
      r.fail(where, "must be an (E, 2) array of (source, target) names");
    }
    for (std::size_t k = 0; k + 1 < names.size(); k += 2) g.edges.emplace_back(names[k], names[k + 1]);
  }
  return g;
}

namespace {

struct Writer {
  const std::string& file;

  void check(herr_t status, const std::string& what) const {
    if (status < 0) throw IoError(file, "HDF5 failed to write " + what);
  }
  hid_t checked(hid_t id, const std::string& what) const {
    if (id < 0) throw IoError(file, "HDF5 failed to create " + what);
    return id;
  }

  // Variable-length UTF-8 strings (what h5py writes for Python str), scalar or (rows, 2).
  void strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
               std::vector<hsize_t> shape) const {
    H5Handle type(checked(H5Tcopy(H5T_C_S1), name), H5Tclose);
    check(H5Tset_size(type.get(), H5T_VARIABLE), name);
    check(H5Tset_cset(type.get(), H5T_CSET_UTF8), name);
    H5Handle space(checked(shape.empty() ? H5Screate(H5S_SCALAR)
                                         : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                           name),
                   H5Sclose);
    H5Handle ds(checked(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        name),
                H5Dclose);
    std::vector<const char*> raw;
    for (const auto& s : values) raw.push_back(s.c_str());
    if (!raw.empty()) check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), name);
  }

  // float64 or int64; gzip level 4 (h5py's default for compression="gzip") and one chunk
  // for arrays, contiguous for scalars and empty arrays (HDF5 cannot chunk those).
  void numbers(hid_t loc, const std::string& name, const NirArray& a) const {
    std::vector<hsize_t> shape(a.shape.begin(), a.shape.end());
    H5Handle space(checked(shape.empty() ? H5Screate(H5S_SCALAR)
                                         : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                           name),
                   H5Sclose);
    H5Handle dcpl(checked(H5Pcreate(H5P_DATASET_CREATE), name), H5Pclose);
    if (!shape.empty() && a.size() > 0) {
      check(H5Pset_chunk(dcpl.get(), static_cast<int>(shape.size()), shape.data()), name);
      check(H5Pset_deflate(dcpl.get(), 4), name);
    }
    const hid_t file_type = a.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    H5Handle ds(checked(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        name),
                H5Dclose);
    if (a.size() == 0) return;
    if (a.integer) {
      std::vector<std::int64_t> v;
      for (const double x : a.values) v.push_back(static_cast<std::int64_t>(x));
      check(H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
    } else {
      check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()), name);
    }
  }
};

}  // namespace

void write_nir_graph(const std::string& path, const NirGraph& graph) {
  for (const NirNode& n : graph.nodes) {
    if (n.name.empty() || n.name.find('/') != std::string::npos || n.name == ".") {
      throw InvalidArgument("NIR node name", "'" + n.name + "' cannot name an HDF5 group");
    }
    for (const auto& [key, a] : n.params) {
      std::size_t count = 1;
      for (const std::size_t d : a.shape) count *= d;
      if (count != a.values.size()) {
        throw DimensionMismatch("NIR node '" + n.name + "' parameter " + key,
                                "shape holds " + std::to_string(count) + " values, given " +
                                    std::to_string(a.values.size()));
      }
    }
  }
  quiet_hdf5();
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const Writer w{path};
  {
    H5Handle file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) throw IoError(path, "cannot create " + temp);
    try {
      w.strings(file.get(), "version", {graph.version}, {});
      H5Handle node(w.checked(H5Gcreate2(file.get(), "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/node"),
                    H5Gclose);
      w.strings(node.get(), "type", {"NIRGraph"}, {});
      H5Handle nodes(w.checked(H5Gcreate2(node.get(), "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/node/nodes"),
                     H5Gclose);
      for (const NirNode& n : graph.nodes) {
        H5Handle g(w.checked(H5Gcreate2(nodes.get(), n.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             "/node/nodes/" + n.name),
                   H5Gclose);
        w.strings(g.get(), "type", {n.type}, {});
        for (const auto& [key, a] : n.params) w.numbers(g.get(), key, a);
      }
      std::vector<std::string> flat;
      for (const auto& [from, to] : graph.edges) {
        flat.push_back(from);
        flat.push_back(to);
      }
      w.strings(node.get(), "edges", flat, {graph.edges.size(), 2});
      w.check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "the file");
    } catch (...) {
      std::filesystem::remove(temp);
      throw;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    throw IoError(path, "cannot rename " + temp + " to it: " + ec.message());
  }
}

}  // namespace rockpool

// ---------------------------------------------------------------------------------------
// NIR graph -> Network.
namespace rockpool {
namespace {

constexpr const char* kSupportedTypes = "Input, Output, Linear, Affine, Scale, Identity, Delay, CubaLIF, LIF";

bool is_neuron(const std::string& type) { return type == "CubaLIF" || type == "LIF"; }
bool is_pass_through(const std::string& type) {
  return type == "Linear" || type == "Affine" || type == "Scale" || type == "Identity" || type == "Delay";
}

std::string shortest(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// The spikes of one spiking node on their way to the next through pass-through nodes:
// scales and delays before the weight layer apply per source neuron, after it per target.
struct Chain {
  std::size_t dim = 0;                     // size of the signal at this point
  const NirNode* weight_node = nullptr;    // the Linear/Affine on the way, if any
  std::vector<double> pre_scale;           // per source neuron
  std::vector<Duration> pre_delay;
  std::vector<double> post_scale;          // per row of the weight
  std::vector<Duration> post_delay;
  std::vector<double> bias;                // the Affine's bias, scaled on the way
  std::size_t depth = 0;
};

struct PendingProjection {
  std::string pre, post;
  Projection projection;
};

class Importer {
 public:
  Importer(const NirGraph& g, const NirReadOptions& o, const std::string& file) : g_(g), o_(o), file_(file) {}

  NirNetwork run() {
    classify();
    for (const auto& [from, to] : g_.edges) out_[from].push_back(to);
    for (const NirNode& n : g_.nodes) {
      if (n.type != "Input" && !is_neuron(n.type)) continue;
      for (const std::string& next : out_[n.name]) {
        Chain c;
        c.dim = size_.at(n.name);
        c.pre_scale.assign(c.dim, 1.0);
        c.pre_delay.assign(c.dim, Duration::zero());
        walk(n, *g_.find(next), c);
      }
    }
    NirNetwork result;
    for (const NirNode& n : g_.nodes) {
      if (n.type == "Input") {
        result.network.add(n.name, std::make_unique<TSEventSource>(input_events(n)));
        result.inputs.push_back(n.name);
      } else if (is_neuron(n.type)) {
        result.network.add(n.name, make_neurons(n));
      }
    }
    for (PendingProjection& p : pending_) {
      result.network.connect(p.pre, p.post, std::move(p.projection));
    }
    result.outputs = outputs_;
    try {
      result.network.validate();
    } catch (const NetworkError& e) {
      throw FormatError(file_, 0, std::string("the NIR graph cannot run as given: ") + e.what());
    }
    return result;
  }

 private:
  [[noreturn]] void fail(const NirNode& n, const std::string& problem) const {
    throw FormatError(file_, 0, "NIR node '" + n.name + "' (" + n.type + "): " + problem);
  }

  const NirArray& param(const NirNode& n, const std::string& key) const {
    const auto it = n.params.find(key);
    if (it == n.params.end()) fail(n, "has no parameter `" + key + "`");
    for (std::size_t k = 0; k < it->second.size(); ++k) {
      if (!std::isfinite(it->second.values[k])) {
        fail(n, "`" + key + "` is not finite at index " + std::to_string(k));
      }
    }
    return it->second;
  }

  // One value per neuron: an array of 1 or `size` values (any shape), else an error.
  std::vector<double> per_neuron(const NirNode& n, const std::string& key, std::size_t size,
                                 std::optional<double> fallback = std::nullopt) const {
    if (!n.params.count(key) && fallback) return std::vector<double>(size, *fallback);
    const NirArray& a = param(n, key);
    if (a.size() == size) return a.values;
    if (a.size() == 1) return std::vector<double>(size, a.values[0]);
    fail(n, "`" + key + "` has " + std::to_string(a.size()) + " values for " + std::to_string(size) + " neurons");
  }

  // A parameter LifExp holds once per population: all neurons must agree.
  double uniform(const NirNode& n, const std::string& key, std::size_t size,
                 std::optional<double> fallback = std::nullopt) const {
    const std::vector<double> v = per_neuron(n, key, size, fallback);
    for (std::size_t k = 1; k < v.size(); ++k) {
      if (v[k] != v[0]) {
        fail(n, "`" + key + "` differs between neurons (" + shortest(v[0]) + " at index 0, " + shortest(v[k]) +
                    " at index " + std::to_string(k) + "); LifExp has one " + key +
                    " per population: split the population or make it uniform");
      }
    }
    return v.empty() ? fallback.value_or(0.0) : v[0];
  }

  // Sizes of Input, Output and neuron nodes; refuses unknown types by name.
  void classify() {
    std::set<std::string> names;
    for (const NirNode& n : g_.nodes) names.insert(n.name);
    for (std::size_t k = 0; k < g_.edges.size(); ++k) {
      for (const std::string* end : {&g_.edges[k].first, &g_.edges[k].second}) {
        if (!names.count(*end)) {
          throw FormatError(file_, 0, "edge " + std::to_string(k) + " ('" + g_.edges[k].first + "' -> '" +
                                          g_.edges[k].second + "') names a node '" + *end + "' the graph lacks");
        }
      }
    }
    for (const NirNode& n : g_.nodes) {
      if (n.type == "Input" || n.type == "Output") {
        const NirArray& shape = param(n, "shape");
        std::size_t size = 1;
        for (const double d : shape.values) {
          if (d < 0 || d != std::floor(d) || d > 4294967296.0) fail(n, "`shape` holds " + shortest(d) + ", not a size");
          size *= static_cast<std::size_t>(d);
          if (size > (std::size_t{1} << 32)) fail(n, "`shape` has more than 2^32 elements");
        }
        size_[n.name] = size;
      } else if (is_neuron(n.type)) {
        std::size_t size = 1;
        std::string sized_by;
        for (const auto& [key, a] : n.params) {
          if (a.size() == 1 || a.size() == size) continue;
          if (size != 1) {
            fail(n, "its parameters disagree on the number of neurons (`" + sized_by + "` has " +
                        std::to_string(size) + " values, `" + key + "` has " + std::to_string(a.size()) + ")");
          }
          size = a.size();
          sized_by = key;
        }
        if (size == 1) {
          // All parameters scalar (an exporter bug NIR knows of): the size comes from the
          // weight layer feeding the node, if there is one.
          for (const auto& [from, to] : g_.edges) {
            const NirNode* f = g_.find(from);
            if (to == n.name && (f->type == "Linear" || f->type == "Affine") && f->params.count("weight") &&
                f->params.at("weight").shape.size() == 2) {
              size = f->params.at("weight").shape[0];
              break;
            }
          }
        }
        size_[n.name] = size;
      } else if (!is_pass_through(n.type)) {
        throw FormatError(file_, 0, "NIR node '" + n.name + "' of type " + n.type + " is not supported (supported: " +
                                        kSupportedTypes + ")");
      }
      if (n.type == "LIF" && o_.lif_tau_syn <= 0) {
        fail(n, "NIR's LIF has no synaptic current and LifExp always has one; import it with "
                "NirReadOptions::lif_tau_syn set to a synaptic time constant well "
                "below tau, or export the model as CubaLIF");
      }
    }
    for (const auto& [name, events] : o_.inputs) {
      const NirNode* n = g_.find(name);
      if (!n || n->type != "Input") {
        throw InvalidArgument("NIR inputs", "'" + name + "' is not an Input node of the graph");
      }
      if (events.num_channels() > size_.at(name)) {
        throw DimensionMismatch("NIR input '" + name + "'", "has " + std::to_string(events.num_channels()) +
                                                                " channels; the Input node has " +
                                                                std::to_string(size_.at(name)));
      }
    }
  }

  // Per-element values of a Scale or Delay: 1 value or one per element of the signal.
  std::vector<double> elementwise(const NirNode& n, const std::string& key, std::size_t dim) const {
    return per_neuron(n, key, dim);
  }

  void walk(const NirNode& from, const NirNode& x, Chain c) {
    if (++c.depth > g_.nodes.size()) fail(x, "lies on a cycle of non-spiking nodes");
    // Diamonds of pass-through nodes multiply the paths; each is a projection of its own.
    if (++walks_ > kMaxWalks) {
      throw FormatError(file_, 0, "more than " + std::to_string(kMaxWalks) +
                                      " paths between spiking nodes through pass-through nodes");
    }
    const std::string& t = x.type;
    if (t == "Identity") {
      // nothing changes
    } else if (t == "Scale") {
      const auto s = elementwise(x, "scale", c.dim);
      for (std::size_t k = 0; k < c.dim; ++k) {
        if (c.weight_node) {
          c.post_scale[k] *= s[k];
          c.bias[k] *= s[k];
        } else {
          c.pre_scale[k] *= s[k];
        }
      }
    } else if (t == "Delay") {
      const auto d = elementwise(x, "delay", c.dim);
      for (std::size_t k = 0; k < c.dim; ++k) {
        if (d[k] < 0) fail(x, "`delay` is negative at index " + std::to_string(k));
        (c.weight_node ? c.post_delay : c.pre_delay)[k] += Duration::from_seconds(d[k]);
      }
    } else if (t == "Linear" || t == "Affine") {
      if (c.weight_node) {
        fail(x, "follows the weight layer '" + c.weight_node->name +
                    "' with no spiking node between them; fold the two into one Linear");
      }
      const NirArray& w = param(x, "weight");
      if (w.shape.size() != 2 || w.shape[1] != c.dim) {
        fail(x, "`weight` must be (out, in) with in = " + std::to_string(c.dim) + " (the size of '" + from.name +
                    "'), not " + shape_text(w.shape));
      }
      c.weight_node = &x;
      c.dim = w.shape[0];
      c.post_scale.assign(c.dim, 1.0);
      c.post_delay.assign(c.dim, Duration::zero());
      c.bias = t == "Affine" ? per_neuron(x, "bias", c.dim) : std::vector<double>(c.dim, 0.0);
    } else if (is_neuron(t)) {
      connect(from, x, c);
      return;
    } else if (t == "Output") {
      if (c.weight_node) {
        fail(x, "is fed through '" + c.weight_node->name + "' (" + c.weight_node->type +
                    "): a weighted sum of spikes is not a spike train; an Output must follow a spiking node");
      }
      for (std::size_t k = 0; k < c.dim; ++k) {
        if (c.pre_scale[k] != 1.0 || c.pre_delay[k] != Duration::zero()) {
          fail(x, "is fed through a Scale or Delay; an Output must follow a spiking node directly");
        }
      }
      if (size_.at(x.name) != c.dim) {
        fail(x, "has shape of " + std::to_string(size_.at(x.name)) + " values but '" + from.name + "' gives " +
                    std::to_string(c.dim));
      }
      const auto [it, inserted] = outputs_.emplace(x.name, from.name);
      if (!inserted && it->second != from.name) {
        fail(x, "is fed by two spiking nodes ('" + it->second + "' and '" + from.name + "')");
      }
      return;
    } else if (t == "Input") {
      fail(x, "has an incoming edge (from '" + from.name + "'); an Input takes no edges");
    }
    const auto out = out_.find(x.name);
    if (out == out_.end() || out->second.empty()) return;  // a dangling chain: nothing to connect
    for (const std::string& next : out->second) walk(from, *g_.find(next), c);
  }

  static std::string shape_text(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
    return s + (shape.size() == 1 ? ",)" : ")");
  }

  // What one unit of the NIR input current does in LifExp's units (our I, in V units):
  // CubaLIF: a spike of weight w makes NIR's I jump by w_in w / tau_syn, and v sees r I,
  // so our jump is w * (r w_in / tau_syn). LIF: v jumps by r w / tau; through our synapse
  // of tau_s the jump once the current has decayed is x tau_s / (tau - tau_s), hence
  // x = w * r (tau - tau_s) / (tau tau_s). The factor is computed first, so that r = tau_syn,
  // w_in = 1 (what write_nir writes) gives exactly 1 and the weights come back unchanged.
  std::vector<double> input_factor(const NirNode& n) const {
    const std::size_t size = size_.at(n.name);
    const auto r = per_neuron(n, "r", size);
    std::vector<double> f(size);
    if (n.type == "CubaLIF") {
      const auto w_in = per_neuron(n, "w_in", size, 1.0);
      const double tau_syn = uniform(n, "tau_syn", size);
      for (std::size_t j = 0; j < size; ++j) f[j] = r[j] * w_in[j] / tau_syn;
    } else {
      const double tau = uniform(n, "tau", size);
      const double ts = o_.lif_tau_syn;
      if (!(ts < tau)) fail(n, "lif_tau_syn (" + shortest(ts) + " s) must be below tau (" + shortest(tau) + " s)");
      for (std::size_t j = 0; j < size; ++j) f[j] = r[j] * ((tau - ts) / (tau * ts));
    }
    return f;
  }

  void connect(const NirNode& from, const NirNode& to, const Chain& c) {
    const std::size_t n_pre = size_.at(from.name), n_post = size_.at(to.name);
    if (c.dim != n_post) {
      fail(to, "has " + std::to_string(n_post) + " neurons but its input from '" + from.name + "' has " +
                   std::to_string(c.dim) + " channels");
    }
    const auto f = input_factor(to);
    ProjectionBuilder b(n_pre, n_post);
    if (c.weight_node) {
      const NirArray& w = c.weight_node->params.at("weight");
      for (std::size_t i = 0; i < n_pre; ++i) {
        for (std::size_t j = 0; j < n_post; ++j) {
          const double wji = w.values[j * n_pre + i];
          if (wji == 0) continue;
          b.add(static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(j), wji * c.pre_scale[i] * c.post_scale[j] * f[j],
                c.pre_delay[i] + c.post_delay[j]);
        }
      }
      auto& bias = bias_[to.name];
      if (bias.empty()) bias.assign(n_post, 0.0);
      for (std::size_t j = 0; j < n_post; ++j) bias[j] += c.bias[j];
      bias_source_[to.name] = c.weight_node->name;
    } else {
      for (std::size_t i = 0; i < n_pre; ++i) {
        if (c.pre_scale[i] != 0) b.add(static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(i), c.pre_scale[i] * f[i], c.pre_delay[i]);
      }
    }
    pending_.push_back({from.name, to.name, std::move(b).build()});
  }

  TSEvent input_events(const NirNode& n) const {
    const std::size_t size = size_.at(n.name);
    const auto it = o_.inputs.find(n.name);
    if (it == o_.inputs.end()) return TSEvent({}, {}, {.num_channels = size});
    const TSEvent& e = it->second;
    if (e.num_channels() == size) return e;
    std::vector<Time> t(e.times().begin(), e.times().end());
    std::vector<Channel> c(e.channels().begin(), e.channels().end());
    return TSEvent(std::move(t), std::move(c),
                   {.num_channels = size, .t_start = e.t_start(), .t_stop = e.t_stop(), .name = e.name()});
  }

  std::unique_ptr<Node> make_neurons(const NirNode& n) const {
    const std::size_t size = size_.at(n.name);
    LifExp::Parameters p;
    const bool cuba = n.type == "CubaLIF";
    p.tau_mem = uniform(n, cuba ? "tau_mem" : "tau", size);
    p.tau_syn = {cuba ? uniform(n, "tau_syn", size) : o_.lif_tau_syn};
    p.v_rest = uniform(n, "v_leak", size);
    p.threshold = uniform(n, "v_threshold", size);
    p.v_reset = uniform(n, "v_reset", size, 0.0);  // absent before NIR PR #129: 0
    const auto bias = bias_.find(n.name);
    if (bias != bias_.end()) {
      // In LifExp's units the constant input is r b (LIF) or r w_in b (CubaLIF, at its
      // steady state), one value for the whole population.
      const auto r = per_neuron(n, "r", size);
      const auto w_in = cuba ? per_neuron(n, "w_in", size, 1.0) : std::vector<double>(size, 1.0);
      std::vector<double> current(size);
      for (std::size_t j = 0; j < size; ++j) current[j] = r[j] * w_in[j] * bias->second[j];
      const bool any = std::any_of(current.begin(), current.end(), [](double v) { return v != 0; });
      if (any && cuba && !o_.bias_at_steady_state) {
        fail(n, "receives a non-zero bias from '" + bias_source_.at(n.name) +
                    "': through the synaptic filter NIR's current starts at 0 and rises with tau_syn, which "
                    "LifExp's constant bias does not; set bias_at_steady_state to "
                    "take it at its steady state from t = 0");
      }
      for (std::size_t j = 1; j < size; ++j) {
        if (current[j] != current[0]) {
          fail(n, "receives a bias that differs between neurons (" + shortest(current[0]) + " at index 0, " +
                      shortest(current[j]) + " at index " + std::to_string(j) + "); LifExp has one bias per population");
        }
      }
      p.bias = size ? current[0] : 0.0;
    }
    try {
      if (o_.clocked_dt > Duration::zero()) return std::make_unique<LifExpClocked>(p, size, o_.clocked_dt);
      return std::make_unique<LifExp>(p, size);
    } catch (const InvalidArgument& e) {
      fail(n, e.what());
    }
  }

  const NirGraph& g_;
  const NirReadOptions& o_;
  const std::string& file_;
  std::map<std::string, std::size_t> size_;
  std::map<std::string, std::vector<std::string>> out_;
  std::map<std::string, std::vector<double>> bias_;
  std::map<std::string, std::string> bias_source_;
  std::map<std::string, std::string> outputs_;
  std::vector<PendingProjection> pending_;
  static constexpr std::size_t kMaxWalks = 1'000'000;
  std::size_t walks_ = 0;
};

}  // namespace

NirNetwork nir_to_network(const NirGraph& graph, const NirReadOptions& options, const std::string& file) {
  return Importer(graph, options, file).run();
}

NirNetwork read_nir(const std::string& path, const NirReadOptions& options) {
  return nir_to_network(read_nir_graph(path), options, path);
}

// ---------------------------------------------------------------------------------------
// Network -> NIR graph.
namespace {

NirArray vector_array(std::vector<double> values) {
  NirArray a;
  a.shape = {values.size()};
  a.values = std::move(values);
  return a;
}

NirArray shape_array(std::size_t size) { return {{1}, {static_cast<double>(size)}, true}; }

}  // namespace

NirGraph network_to_nir(const Network& net, const NirWriteOptions& options) {
  NirGraph g;
  g.version = "1.0.0";
  std::set<std::string> used;
  auto add = [&](NirNode n) {
    used.insert(n.name);
    g.nodes.push_back(std::move(n));
  };
  for (NodeId id = 0; id < net.num_nodes(); ++id) {
    const Node& node = net.node(id);
    const std::string what = "network node '" + node.name() + "'";
    if (node.family() == NodeFamily::kSpikeSource) {
      add({node.name(), "Input", {{"shape", shape_array(node.size_out())}}});
    } else if (const auto* lif = dynamic_cast<const LifExp*>(&node)) {
      const LifExp::Parameters& p = lif->parameters();
      if (p.tau_syn.size() != 1) {
        throw InvalidArgument(what, "LifExp with " + std::to_string(p.tau_syn.size()) +
                                        " synaptic ports: NIR's CubaLIF has one");
      }
      if (p.refractory != Duration::zero()) {
        throw InvalidArgument(what, "refractory period of " + format_seconds(p.refractory) +
                                        " s: NIR's CubaLIF has none");
      }
      const std::size_t n = lif->size();
      auto full = [n](double v) { return vector_array(std::vector<double>(n, v)); };
      // r = tau_syn and w_in = 1 make NIR's current jump w / tau_syn and v see r I = w:
      // exactly our synaptic jump, so the weights are written as they are. LifExp's bias is
      // a constant input, i.e. a shift of the resting potential: v_leak = v_rest + bias.
      add({node.name(),
           "CubaLIF",
           {{"tau_syn", full(p.tau_syn[0])},
            {"tau_mem", full(p.tau_mem)},
            {"r", full(p.tau_syn[0])},
            {"v_leak", full(p.v_rest + p.bias)},
            {"v_threshold", full(p.threshold)},
            {"v_reset", full(p.v_reset)},
            {"w_in", full(1.0)}}});
    } else {
      throw InvalidArgument(what, "a " + std::string(node.type_name()) +
                                      " cannot be written to NIR (supported: spike sources as Input, LifExp as CubaLIF)");
    }
  }
  auto unique_name = [&](const std::string& base) {
    std::string name = base;
    for (int k = 2; used.count(name); ++k) name = base + "_" + std::to_string(k);
    return name;
  };
  for (ProjectionId pid = 0; pid < net.num_projections(); ++pid) {
    const Projection& p = net.projection(pid);
    const ProjectionEnds ends = net.ends(pid);
    const std::string pre = net.node(ends.pre).name(), post = net.node(ends.post).name();
    const std::string what = "projection " + std::to_string(pid) + " ('" + pre + "' -> '" + post + "')";
    if (!dynamic_cast<const LifExp*>(&net.node(ends.post))) {
      throw InvalidArgument(what, "targets a " + std::string(net.node(ends.post).type_name()) +
                                      "; only projections into LifExp can be written");
    }
    if (p.port() != 0) throw InvalidArgument(what, "uses port " + std::to_string(p.port()) + "; CubaLIF has one");
    const std::size_t n_pre = p.num_pre(), n_post = p.num_post();
    std::vector<double> w(n_post * n_pre, 0.0);
    std::vector<std::optional<Duration>> by_post(n_post), by_pre(n_pre);
    bool per_post = true, per_pre = true;
    for (NeuronIndex i = 0; i < n_pre; ++i) {
      for (std::uint32_t gi = p.groups_begin(i); gi < p.groups_begin(i + 1); ++gi) {
        const Duration d = p.group_delay(gi);
        const auto targets = p.group_targets(gi);
        const auto weights = p.group_weights(gi);
        for (std::size_t k = 0; k < targets.size(); ++k) {
          const NeuronIndex j = targets[k];
          w[j * n_pre + i] += weights[k];
          if (by_post[j] && *by_post[j] != d) per_post = false;
          if (by_pre[i] && *by_pre[i] != d) per_pre = false;
          by_post[j] = d;
          by_pre[i] = d;
        }
      }
    }
    const bool delayed = p.num_synapses() > 0 && p.max_delay() != Duration::zero();
    if (delayed && !per_post && !per_pre) {
      throw InvalidArgument(what, "delays differ both within a target neuron and within a source neuron; NIR's "
                                  "Delay holds one delay per channel");
    }
    const std::string linear = unique_name(pre + "_to_" + post);
    add({linear, "Linear", {{"weight", {{n_post, n_pre}, std::move(w), false}}}});
    if (!delayed) {
      g.edges.emplace_back(pre, linear);
      g.edges.emplace_back(linear, post);
      continue;
    }
    const std::string delay = unique_name(linear + "_delay");
    auto seconds = [](const std::vector<std::optional<Duration>>& v) {
      std::vector<double> s;
      for (const auto& d : v) s.push_back(d ? to_seconds(*d) : 0.0);
      return s;
    };
    if (per_post) {
      add({delay, "Delay", {{"delay", vector_array(seconds(by_post))}}});
      g.edges.emplace_back(pre, linear);
      g.edges.emplace_back(linear, delay);
      g.edges.emplace_back(delay, post);
    } else {
      add({delay, "Delay", {{"delay", vector_array(seconds(by_pre))}}});
      g.edges.emplace_back(pre, delay);
      g.edges.emplace_back(delay, linear);
      g.edges.emplace_back(linear, post);
    }
  }
  std::vector<std::string> outputs = options.outputs;
  if (outputs.empty()) {
    for (NodeId id = 0; id < net.num_nodes(); ++id) {
      if (net.node(id).family() == NodeFamily::kPopulation && net.outgoing(id).empty()) {
        outputs.push_back(net.node(id).name());
      }
    }
  }
  for (const std::string& name : outputs) {
    const NodeId id = net.id(name);
    const std::string out = unique_name("output_" + name);
    add({out, "Output", {{"shape", shape_array(net.node(id).size_out())}}});
    g.edges.emplace_back(name, out);
  }
  // Canonical order: nodes as read_nir_graph lists them (by name), edges sorted (their
  // order means nothing in NIR), so equal networks give equal graphs and files.
  std::sort(g.nodes.begin(), g.nodes.end(), [](const NirNode& a, const NirNode& b) { return a.name < b.name; });
  std::sort(g.edges.begin(), g.edges.end());
  return g;
}

void write_nir(const std::string& path, const Network& network, const NirWriteOptions& options) {
  write_nir_graph(path, network_to_nir(network, options));
}

}  // namespace rockpool
