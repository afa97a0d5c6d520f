# Finds Debian's libcpp-httplib-dev (cpp-httplib compiled as a library, with OpenSSL, zlib and
# Brotli support), which ships a pkg-config file but no CMake package. Defines httplib::httplib
# with the definitions the library was compiled with (they change its classes' layout) and the
# libraries its header's inline code calls.
find_path(Httplib_INCLUDE_DIR httplib.h)
find_library(Httplib_LIBRARY NAMES cpp-httplib)
find_package(OpenSSL QUIET)
find_package(ZLIB QUIET)
find_library(Httplib_BROTLI_DECODER NAMES brotlidec)
find_library(Httplib_BROTLI_ENCODER NAMES brotlienc)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Httplib REQUIRED_VARS Httplib_LIBRARY Httplib_INCLUDE_DIR OPENSSL_FOUND ZLIB_FOUND
                                  Httplib_BROTLI_DECODER Httplib_BROTLI_ENCODER)
if(Httplib_FOUND AND NOT TARGET httplib::httplib)
  add_library(httplib::httplib UNKNOWN IMPORTED)
  set_target_properties(httplib::httplib PROPERTIES
    IMPORTED_LOCATION "${Httplib_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Httplib_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT;CPPHTTPLIB_BROTLI_SUPPORT"
    INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto;ZLIB::ZLIB;${Httplib_BROTLI_DECODER};${Httplib_BROTLI_ENCODER}")
endif()
mark_as_advanced(Httplib_INCLUDE_DIR Httplib_LIBRARY Httplib_BROTLI_DECODER Httplib_BROTLI_ENCODER)
