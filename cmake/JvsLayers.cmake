# jvs_layer(NAME DEPS d1 d2 ... [LIBS l1 l2 ...])
#
# One static library per layer of src/ (target jvs_NAME, sources src/NAME/*.cc,
# public headers include/jvs/NAME/). The build enforces the layer order written
# in docs/architecture.md: a layer compiles against an include root of its own,
# ${CMAKE_BINARY_DIR}/layers/NAME, that holds symbolic links to the headers of
# NAME and of the layers below it (DEPS, transitively) and nothing else. An
# include that points up (`#include "jvs/repo/repo.h"` in src/store/) therefore
# fails to compile. scripts/check_layers.py checks the same rule over every
# include line and names the offending one.
function(jvs_layer name)
  cmake_parse_arguments(L "" "" "DEPS;LIBS" ${ARGN})
  set(allowed ${name})
  foreach(dep ${L_DEPS})
    get_property(dep_allowed GLOBAL PROPERTY JVS_LAYER_ALLOWED_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "layer ${name}: dependency ${dep} is not declared yet (declare layers bottom-up)")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY JVS_LAYER_ALLOWED_${name} ${allowed})

  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root}/jvs)
  foreach(a ${allowed})
    if(EXISTS ${CMAKE_SOURCE_DIR}/include/jvs/${a})
      file(CREATE_LINK ${CMAKE_SOURCE_DIR}/include/jvs/${a} ${root}/jvs/${a} SYMBOLIC)
    endif()
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${a} ${root}/${a} SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cc)
  add_library(jvs_${name} STATIC ${sources})
  target_include_directories(jvs_${name} PRIVATE ${root})
  foreach(dep ${L_DEPS})
    target_link_libraries(jvs_${name} PUBLIC jvs_${dep})
  endforeach()
  target_link_libraries(jvs_${name} PUBLIC ${L_LIBS})
  set_property(GLOBAL APPEND PROPERTY JVS_LAYERS jvs_${name})
endfunction()
