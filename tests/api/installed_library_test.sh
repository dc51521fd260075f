#!/bin/sh
# The installed library works for a new user: `meson install` into a scratch DESTDIR, then
# build the out-of-tree examples with their own Makefiles against it through pkg-config
# (`pkg-config --cflags --libs rockpool`) and run them, and the closed-loop program as
# doc/api.md prints it. Also checks that the shared library exports the public API and
# nothing of the engine.
#   installed_library_test.sh <build dir> <source dir>
set -eu
build=$1
source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name rockpool.pc | head -n 1)
shared=$(find "$tmp/root" -name 'librockpool.so' | head -n 1)
static=$(find "$tmp/root" -name 'librockpool.a' | head -n 1)
test -n "$pc" || { echo "rockpool.pc not installed"; exit 1; }
test -n "$shared" || { echo "librockpool.so not installed"; exit 1; }
test -n "$static" || { echo "librockpool.a not installed"; exit 1; }
test -f "$(dirname "$(find "$tmp/root" -name rockpool.hpp | head -n 1)")/session.hpp" || { echo "headers not installed"; exit 1; }

# Only the public API is exported: Session yes, the engine's Simulation and models no.
nm -DC --defined-only "$shared" | grep -q 'rockpool::Session::advance_to' || { echo "Session not exported"; exit 1; }
# (Instances of std templates over internal types may appear as weak symbols: libstdc++
# gives namespace std default visibility. Functions of our own classes must not.)
if nm -DC --defined-only "$shared" | cut -d' ' -f3- | grep -E '^rockpool::(Simulation|LifExp|Network|Scheduler)::[A-Za-z_~]+\(' ; then
  echo "internal symbols are exported"; exit 1
fi

# pkg-config finds the scratch install: the .pc file's directory, paths under the sysroot.
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
export LD_LIBRARY_PATH="$(dirname "$shared")"
# A sanitizer build's library needs the sanitizer runtimes first in the program too.
flags="-O0 -Wall -Wextra -Werror"
if readelf -d "$shared" | grep -q 'libasan'; then flags="$flags -fsanitize=address,undefined"; fi
for example in closed_loop replay; do
  mkdir -p "$tmp/$example"
  cp "$source/examples/$example/$example.cpp" "$source/examples/$example/Makefile" "$tmp/$example/"
  make -s -C "$tmp/$example" CXX="${CXX_FOR_TEST:-g++}" CXXFLAGS="$flags"
done
# And the closed-loop program as doc/api.md shows it, linked the way the guide says.
awk '/^## A closed loop/ { section = 1 } section && /^```cpp/ { code = 1; next } code && /^```/ { exit } code' \
  "$source/doc/api.md" > "$tmp/doc_example.cpp"
test -s "$tmp/doc_example.cpp" || { echo "no closed-loop code in doc/api.md"; exit 1; }
# shellcheck disable=SC2046
${CXX_FOR_TEST:-g++} -std=c++20 $flags "$tmp/doc_example.cpp" -o "$tmp/doc_example" $(pkg-config --cflags --libs rockpool)

# A network from a config (protobuf inside the library, none in the headers), fed through
# its session input: spikes of weight 5 into LIF neurons of threshold 1 make them fire.
cat > "$tmp/config_example.cpp" <<'EOF'
#include <rockpool/rockpool.hpp>
#include <cstdio>
#include <vector>
int main() {
  rockpool::Session s(rockpool::NetworkBuilder::from_text(
      "input { name: \"sensor\" size: 2 session {} }\n"
      "node { name: \"n\" model: \"LIFExact\" size: 2 }\n"
      "projection { from: \"sensor\" to: \"n\" one_to_one {} weight: 5 }\n", "net.pbtxt"));
  s.observe("n");
  for (int k = 0; k < 3; ++k) s.push(rockpool::Time::zero() + k * rockpool::milliseconds(20), 1);
  s.advance_to(rockpool::Time::zero() + rockpool::milliseconds(80));
  std::vector<rockpool::OutputSpike> out;
  s.poll(out);
  try {
    rockpool::NetworkBuilder::from_text("node { name: \"n\" modle: \"LIF\" }", "bad.pbtxt");
    return 1;
  } catch (const rockpool::ConfigError& e) {
    if (e.line() != 1) return 1;
  }
  std::printf("config example: %zu spikes\n", out.size());
  return out.size() >= 3 && out[0].neuron == 1 ? 0 : 1;
}
EOF
# shellcheck disable=SC2046
${CXX_FOR_TEST:-g++} -std=c++20 $flags "$tmp/config_example.cpp" -o "$tmp/config_example" $(pkg-config --cflags --libs rockpool)

"$tmp/config_example"
"$tmp/closed_loop/closed_loop" 0.1
"$tmp/doc_example" 0.1
"$tmp/replay/replay" "$source/examples/replay/sample_events.csv" 10
echo "installed library: OK"
