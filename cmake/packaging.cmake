# Install rules and Debian packages (issue 19, "Install and packages").
#
#   cmake --install build [--prefix DIR]           everything below, under the prefix
#   cd build && cpack -G DEB                         orbitbench_<v>_<arch>.deb (the controller)
#                                                    orbitbench-agent_<v>_<arch>.deb (GPU hosts)
#                                                    and, from a RelWithDebInfo or Debug build,
#                                                    each one's -dbgsym .ddeb (its debug information)
#
# Two install components, one package each:
#   controller  bin/orbitbench, share/orbitbench/{examples,perf-data}, share/doc/orbitbench,
#               bash completion, orbitbench.1
#   agent       bin/orbitbench-agent, its systemd unit, /etc/orbitbench/agent.env (a conffile),
#               orbitbench-agent.1
# The libraries (ob_profiles, ob_db, ob_drivers, ob_fixtures, ob_bench, ob_gpu_*) are internal
# static libraries: nothing installs their headers or a CMake package config (README.md,
# "Installing and packages").
include(GNUInstallDirs)

# Manual pages as Debian ships them: gzip -9n (no name, no time stamp, so the packages are
# reproducible), made at configure time and again whenever a page changes.
find_program(ORBITBENCH_GZIP gzip REQUIRED)
function(ob_gzip_man_page page out_var)
  set(source ${PROJECT_SOURCE_DIR}/docs/man/${page})
  set(gzipped ${PROJECT_BINARY_DIR}/man/${page}.gz)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/man)
  execute_process(COMMAND ${ORBITBENCH_GZIP} -9 -n -c ${source} OUTPUT_FILE ${gzipped} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "gzip ${source}: ${failed}")
  endif()
  set(${out_var} ${gzipped} PARENT_SCOPE)
endfunction()
ob_gzip_man_page(orbitbench.1 OB_MAN_CONTROLLER)
ob_gzip_man_page(orbitbench-agent.1 OB_MAN_AGENT)

# cpack (and `--target install`) install what is built instead of building every target first
# (the preinstall target would otherwise depend on `all`, the whole test suite included): build
# orbitbench and orbitbench-agent, then package. `--target package` still builds `all` first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(ORBITBENCH_PACKAGE_MAINTAINER "orbitbench maintainers <maintainers@orbitbench.invalid>"
  CACHE STRING "Maintainer field of the .deb packages")

# --- controller --------------------------------------------------------------------------------
# bench/CMakeLists.txt installs bin/orbitbench in this component.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/orbitbench/examples COMPONENT controller)
file(GLOB OB_DOC_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${OB_DOC_PAGES}
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT controller)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/orbitbench.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME orbitbench COMPONENT controller)
install(FILES ${OB_MAN_CONTROLLER} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT controller)
# `orbitbench perf` data (bench/cli/command_perf.cpp looks for <bin>/../share/orbitbench/perf-data),
# laid out like the source tree it is copied from, so --source-dir keeps one meaning.
install(FILES ${PROJECT_SOURCE_DIR}/tests/data/sgp4/SGP4-VER.TLE ${PROJECT_SOURCE_DIR}/tests/data/sgp4/iss.tle
  ${PROJECT_SOURCE_DIR}/tests/data/sgp4/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/orbitbench/perf-data/tests/data/sgp4 COMPONENT controller)
install(FILES ${PROJECT_SOURCE_DIR}/tests/perf/satellitejs/bench.mjs ${PROJECT_SOURCE_DIR}/tests/perf/satellitejs/package.json
  ${PROJECT_SOURCE_DIR}/tests/perf/satellitejs/package-lock.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/orbitbench/perf-data/tests/perf/satellitejs COMPONENT controller)

# Debian's copyright file, one per package (share/doc/<package>/copyright).
set(OB_COPYRIGHT "${CMAKE_BINARY_DIR}/packaging/copyright")
file(WRITE ${OB_COPYRIGHT} [[
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: orbitbench

Files: *
Copyright: the orbitbench authors
License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License"); you may not use
 this software except in compliance with the License. Unless required by
 applicable law or agreed to in writing, software distributed under the License
 is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 KIND, either express or implied.
 .
 On Debian systems the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0 (and in LICENSE in orbitbench's sources).
]])
install(FILES ${OB_COPYRIGHT} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/orbitbench COMPONENT controller)

# --- agent -------------------------------------------------------------------------------------
# The agent's binary: drivers/CMakeLists.txt installs it in component `agent`.
install(FILES ${OB_MAN_AGENT} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT agent)
install(FILES ${OB_COPYRIGHT} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/orbitbench-agent COMPONENT agent)
# The unit and the environment file name the binary and the configuration directory of the
# prefix actually installed to, so they are filled in at install time: prefix /usr (the
# packages) → /usr/bin and /etc/orbitbench; any other prefix P → P/bin and P/etc/orbitbench.
install(CODE "set(_ob_systemd_sources \"${PROJECT_SOURCE_DIR}/scripts/systemd\")
  set(_ob_staging \"${CMAKE_BINARY_DIR}/packaging\")
  set(_ob_bindir \"${CMAKE_INSTALL_BINDIR}\")" COMPONENT agent)
install(CODE [[
  if(IS_ABSOLUTE "${_ob_bindir}")
    set(_ob_full_bindir "${_ob_bindir}")
  else()
    set(_ob_full_bindir "${CMAKE_INSTALL_PREFIX}/${_ob_bindir}")
  endif()
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_ob_sysconfdir "/etc")
  else()
    set(_ob_sysconfdir "${CMAKE_INSTALL_PREFIX}/etc")
  endif()
  foreach(_ob_file orbitbench-agent.service agent.env)
    file(READ "${_ob_systemd_sources}/${_ob_file}" _ob_text)
    string(REPLACE "@BINDIR@" "${_ob_full_bindir}" _ob_text "${_ob_text}")
    string(REPLACE "@SYSCONFDIR@" "${_ob_sysconfdir}" _ob_text "${_ob_text}")
    file(WRITE "${_ob_staging}/${_ob_file}" "${_ob_text}")
  endforeach()
  file(INSTALL "${_ob_staging}/orbitbench-agent.service"
    DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  # The secret's directory: 0755, the secret itself (agent.secret) is the administrator's, 0600.
  file(INSTALL "${_ob_staging}/agent.env"
    DESTINATION "${_ob_sysconfdir}/orbitbench" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
]] COMPONENT agent)

# --- CPack: two .deb packages ------------------------------------------------------------------
set(CPACK_PACKAGE_NAME orbitbench)
set(CPACK_PACKAGE_VENDOR "orbitbench")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ORBITBENCH_PACKAGE_MAINTAINER}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
# The install code above writes /etc/orbitbench: install with DESTDIR into the staging tree, so
# it sees the real prefix (/usr) rather than the staging path.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)  # the prefix under DESTDIR
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Each package's Description starts with its own summary line (CPACK_DEBIAN_<C>_DESCRIPTION);
# a non-empty CPACK_PACKAGE_DESCRIPTION_SUMMARY would be put before both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
# A RelWithDebInfo build's 150 MB of debug information stays out of the packages: in a build with
# it, each package gets a -dbgsym .ddeb beside it (found by build id under /usr/lib/debug, as
# Debian's own), which strips the binaries of the .deb; in one without, there is nothing to keep.
if(CMAKE_BUILD_TYPE MATCHES "^(RelWithDebInfo|Debug)$")
  set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
else()
  set(CPACK_STRIP_FILES ON)
endif()
set(CPACK_COMPONENTS_ALL controller agent)
set(CPACK_COMPONENT_CONTROLLER_DISPLAY_NAME "orbitbench controller")
set(CPACK_COMPONENT_AGENT_DISPLAY_NAME "orbitbench GPU agent")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ORBITBENCH_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the binaries' libraries (dpkg-shlibdeps, dpkg-dev)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(ORBITBENCH_WITH_CUDA AND CUDAToolkit_LIBRARY_DIR)
  # cuBLAS comes from NVIDIA's CUDA toolkit, which no Debian package of ours can name: the
  # agent's Depends leave it out (dpkg-shlibdeps --ignore-missing-info), its host provides it.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CUDAToolkit_LIBRARY_DIR})
endif()

set(CPACK_DEBIAN_CONTROLLER_PACKAGE_NAME orbitbench)
set(CPACK_DEBIAN_CONTROLLER_DESCRIPTION
  "orbit-profile hardware-in-the-loop bench controller for GPU boards
orbitbench qualifies GPU boards for orbital data centers on a lab bench: it turns
an orbit into the sunlight/eclipse, power and temperature history a board would
live through, replays it on programmable power supplies, thermal chambers and
the boards themselves (through orbitbench-agent on each GPU host), and records
how the boards' performance degrades into a SQLite results database.
This package holds the controller (orbitbench), its examples, documentation,
bash completion and manual page.")
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_SUGGESTS "sqlite3, orbitbench-agent")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME orbitbench-agent)
set(CPACK_DEBIAN_AGENT_DESCRIPTION
  "GPU agent of the orbitbench bench controller
orbitbench-agent runs on a GPU board's host and serves its GPUs to an orbitbench
controller over TLS: NVML telemetry (libnvidia-ml.so.1 from the NVIDIA driver,
loaded at run time), the CUDA workload, power caps and a watchdog.
It comes with a systemd unit (orbitbench-agent.service) reading its options from
/etc/orbitbench/agent.env and its shared secret from /etc/orbitbench/agent.secret.")
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION science)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "/etc/orbitbench/agent.env\n")
foreach(script postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/scripts/debian/agent-${script} ${CMAKE_BINARY_DIR}/packaging/${script}
    COPYONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
  ${CMAKE_BINARY_DIR}/packaging/conffiles ${CMAKE_BINARY_DIR}/packaging/postinst
  ${CMAKE_BINARY_DIR}/packaging/prerm ${CMAKE_BINARY_DIR}/packaging/postrm)

include(CPack)
