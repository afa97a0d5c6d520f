# Whether the build makes the `steppe` Python module (python/, docs/python.md), and for which
# Python. It targets the system Python, /usr/bin/python3, where Debian's pybind11-dev,
# python3-numpy and python3-pandas are: a Python first on PATH (pyenv, conda, a venv) would find
# none of them. -DSTEPPE_PYTHON_EXECUTABLE=... chooses another one that has them.
#
# Sets STEPPE_PYTHON_MODULE. Without pybind11 (or the Python headers) the rest of the build goes
# on and says so. Sanitizer builds leave the module out: an instrumented module loads only into a
# Python started with the sanitizer runtime preloaded.
option(STEPPE_PYTHON "Build the steppe Python module when pybind11 is found" ON)
set(STEPPE_PYTHON_EXECUTABLE "/usr/bin/python3" CACHE FILEPATH "The Python the steppe module is built for")
set(STEPPE_PYTHON_MODULE OFF)

if(NOT STEPPE_PYTHON)
  return()
endif()
if(STEPPE_SANITIZE)
  message(STATUS "steppe: Python module not built in a sanitizer build")
  return()
endif()

set(Python_EXECUTABLE "${STEPPE_PYTHON_EXECUTABLE}")
find_package(Python 3.9 COMPONENTS Interpreter Development.Module)
if(Python_FOUND)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG QUIET)
endif()
if(NOT Python_FOUND OR NOT pybind11_FOUND)
  message(STATUS "steppe: Python module not built: it needs ${STEPPE_PYTHON_EXECUTABLE} with its headers and "
                 "pybind11 (tools/install-deps installs python3-dev and pybind11-dev)")
  return()
endif()

message(STATUS "steppe: Python module for ${Python_EXECUTABLE} (Python ${Python_VERSION}), "
               "pybind11 ${pybind11_VERSION}, into ${PROJECT_BINARY_DIR}/python")
set(STEPPE_PYTHON_MODULE ON)
# Say so when `python3` on PATH is another Python (pyenv, conda, a venv): it will not find the module.
find_program(STEPPE_PATH_PYTHON NAMES python3 NO_CACHE)
if(STEPPE_PATH_PYTHON)
  file(REAL_PATH "${STEPPE_PATH_PYTHON}" path_python)
  file(REAL_PATH "${Python_EXECUTABLE}" module_python)
  if(NOT path_python STREQUAL module_python)
    message(STATUS "steppe: note: python3 on PATH is ${STEPPE_PATH_PYTHON}, not ${Python_EXECUTABLE}: "
                   "import steppe with ${Python_EXECUTABLE} (docs/python.md, \"Which Python\")")
  endif()
endif()
# A shared object links only position-independent code: the libraries are compiled with -fPIC
# (the executables with -fPIE, Debian's default anyway). -fPIC alone would also let every global
# function be replaced at load time, so GCC could no longer inline one into another within a
# translation unit: -fno-semantic-interposition keeps the libraries' code as fast as before.
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options($<$<NOT:$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>>:-fno-semantic-interposition>)
endif()
