// The one main() of every steppe test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
