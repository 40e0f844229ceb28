# install_ldconfig.cmake - run by `cmake --install` after the files are in place
# (install(SCRIPT) in CMakeLists.txt): a program linked with -lembargo finds
# libembargo.so.0 only once the dynamic loader's cache knows it, so run
# ldconfig when installing into the system as root, and otherwise say what to do.
if(NOT "$ENV{DESTDIR}" STREQUAL "")
  return() # a staged install (packaging): the package's own scripts run ldconfig
endif()
execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
find_program(_ldconfig ldconfig PATHS /sbin /usr/sbin)
if(CMAKE_INSTALL_PREFIX MATCHES "^/usr(/local)?/?$")
  if(_uid STREQUAL "0" AND _ldconfig)
    message(STATUS "Running ldconfig (the loader now finds libembargo)")
    execute_process(COMMAND ${_ldconfig})
  else()
    message(STATUS "Run `sudo ldconfig` so that programs linked with libembargo find it")
  endif()
else()
  message(STATUS "libembargo is in ${CMAKE_INSTALL_PREFIX}, outside the loader's path: run "
                 "programs linked with it with LD_LIBRARY_PATH=${CMAKE_INSTALL_PREFIX}/lib "
                 "(or the libdir you chose), or add that directory to /etc/ld.so.conf.d/ and run ldconfig")
endif()
