# Writes OUTPUT, a C++ source defining steppe::serve::assets::<name> for each file of ASSETS
# (a ;-list) as a raw string literal, <name> being the file name with '.' as '_'.
set(source "// Made by serve/embed_assets.cmake from serve/assets/: edit those files, not this.\n")
string(APPEND source "#include \"serve/assets.hpp\"\n\nnamespace steppe::serve::assets {\n\n")
foreach(asset IN LISTS ASSETS)
  get_filename_component(name "${asset}" NAME)
  string(REPLACE "." "_" name "${name}")
  file(READ "${asset}" content)
  if(content MATCHES "\\)steppe_asset\"")
    message(FATAL_ERROR "${asset} contains the raw string's delimiter")
  endif()
  # A raw string literal is at most 65,535 characters for some compilers; GCC has no such limit.
  string(APPEND source "extern const std::string_view ${name};\nconst std::string_view ${name} = R\"steppe_asset(${content})steppe_asset\";\n\n")
endforeach()
string(APPEND source "}  // namespace steppe::serve::assets\n")
file(WRITE "${OUTPUT}.new" "${source}")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
