// The doctest runner for the whole suite; test files live beside their purpose in
// tests/<folder>/<header>_test.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
