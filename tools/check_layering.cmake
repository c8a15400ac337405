# The floors of the code, checked from the #include lines of every source file. Run at configure
# time by the top-level CMakeLists.txt, and as a script (tests/tools/test_layering runs it on a
# tree with a deliberate violation):
#   cmake -DSOURCE_DIR=<tree> -P tools/check_layering.cmake
# Exits with an error naming each file that includes what its floor may not.
#
#   hat_base:  util <- space <- search <- store            (no torch, no Qt)
#   hat_core:  data, model <- eval, latency <- train <- workspace <- export
#   ui, app:   anything in core, but ui never a torch header (directly or through a core header
#              that includes one)
# Only the core folders listed under each may be included from it.

cmake_policy(SET CMP0057 NEW)  # if(IN_LIST), also in script mode

set(HAT_FLOOR_util util)
set(HAT_FLOOR_space space util)
set(HAT_FLOOR_search search space util)
set(HAT_FLOOR_store store search space util)
set(HAT_FLOOR_data data space util)
set(HAT_FLOOR_model model space util)
set(HAT_FLOOR_eval eval data model space util)
set(HAT_FLOOR_latency latency model space util)
set(HAT_FLOOR_train train data eval model space util)
set(HAT_FLOOR_workspace workspace train latency eval model data store search space util)
set(HAT_FLOOR_export export workspace train latency eval model data store search space util)

function(hat_check_layering source_dir)
  set(problems "")
  file(GLOB_RECURSE core_files RELATIVE "${source_dir}" "${source_dir}/core/*.h" "${source_dir}/core/*.cpp")
  set(torch_headers "")
  foreach(f IN LISTS core_files)
    if(NOT f MATCHES "^core/([a-z_]+)/")
      continue()
    endif()
    set(floor "${CMAKE_MATCH_1}")
    file(STRINGS "${source_dir}/${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS lines)
      if(line MATCHES "#[ \t]*include[ \t]*\"core/([a-z_]+)/")
        set(target "${CMAKE_MATCH_1}")
        if(NOT DEFINED HAT_FLOOR_${floor})
          list(APPEND problems "${f}: core/${floor} is not a known floor (add it to tools/check_layering.cmake)")
          break()
        endif()
        if(NOT target IN_LIST HAT_FLOOR_${floor})
          list(APPEND problems "${f} includes core/${target}: core/${floor} may include only ${HAT_FLOOR_${floor}}")
        endif()
      elseif(line MATCHES "#[ \t]*include[ \t]*<(Q[A-Za-z]*|qcustomplot)")
        list(APPEND problems "${f} includes a Qt header: core has no Qt")
      elseif(line MATCHES "#[ \t]*include[ \t]*<(torch|ATen|c10)/")
        if(f MATCHES "\\.h$")
          list(APPEND torch_headers "${f}")
        endif()
        if(floor MATCHES "^(util|space|search|store)$")
          list(APPEND problems "${f} includes a torch header: core/${floor} is in hat_base, without torch")
        endif()
      endif()
    endforeach()
  endforeach()

  file(GLOB_RECURSE ui_files RELATIVE "${source_dir}" "${source_dir}/ui/*.h" "${source_dir}/ui/*.cpp")
  foreach(f IN LISTS ui_files)
    file(STRINGS "${source_dir}/${f}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "#[ \t]*include[ \t]*<(torch|ATen|c10)/")
        list(APPEND problems "${f} includes a torch header: ui talks to core through plain structs")
      elseif(line MATCHES "#[ \t]*include[ \t]*\"(core/[a-z_]+/[a-z_0-9]+\\.h)\"")
        if("${CMAKE_MATCH_1}" IN_LIST torch_headers)
          list(APPEND problems "${f} includes ${CMAKE_MATCH_1}, which includes torch: ui never sees torch")
        endif()
      endif()
    endforeach()
  endforeach()

  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "Layering violations in ${source_dir}:\n  ${text}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED SOURCE_DIR)
  hat_check_layering("${SOURCE_DIR}")
  message(STATUS "Layering: ${SOURCE_DIR} keeps its floors")
endif()
