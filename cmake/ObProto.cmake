# ob_proto_library(<target> <proto files...>): compile .proto files at build time into
# ${CMAKE_BINARY_DIR}/generated/<same relative path>.pb.{h,cc}; generated code is never committed.
function(ob_proto_library target)
  add_library(${target} STATIC)
  target_sources(${target} PRIVATE ${ARGN})
  # protoc sees paths relative to this folder; placing its output under the folder's own name
  # makes the includes read "drivers/gpu/agent.pb.h" everywhere.
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/generated/${folder})
  protobuf_generate(TARGET ${target} LANGUAGE cpp
    PROTOC_OUT_DIR ${CMAKE_BINARY_DIR}/generated/${folder})
  target_include_directories(${target} SYSTEM PUBLIC ${CMAKE_BINARY_DIR}/generated
                                                     ${CMAKE_BINARY_DIR}/generated/${folder})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# ob_library(<target> <folder> DEPS ...): every .cpp under <folder> (recursively) in one library.
function(ob_library target folder)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${folder}/*.cpp)
  foreach(pattern ${ARG_EXCLUDE})
    list(FILTER sources EXCLUDE REGEX "${pattern}")
  endforeach()
  if(NOT sources)  # a layer still being written: keep the tree configurable
    set(sources ${CMAKE_BINARY_DIR}/generated/empty_${target}.cpp)
    file(WRITE ${sources} "// ${folder}/ has no sources yet\n")
  endif()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ob_warnings)
endfunction()
