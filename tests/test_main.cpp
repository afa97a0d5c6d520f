// The one main() of every steppe test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// LeakSanitizer (the sanitize preset) reads this at start-up. fontconfig, which librsvg reaches
// to draw a PNG chart, keeps its font cache for the life of the process by design: not a leak.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
