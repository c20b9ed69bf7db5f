dnl Ringmaster: phpize/pecl build. The core (src/core, PHP-free) and the Zend glue (src/php)
dnl are compiled together into ringmaster.so as C++20.
PHP_ARG_ENABLE([ringmaster],
  [whether to enable Ringmaster],
  [AS_HELP_STRING([--enable-ringmaster], [Enable Ringmaster (io_uring PHP servers)])],
  [yes])

if test "$PHP_RINGMASTER" != "no"; then
  PHP_REQUIRE_CXX()

  if test "$PHP_THREAD_SAFETY" = "yes"; then
    AC_MSG_ERROR([Ringmaster runs servers as processes and needs a non-thread-safe (NTS) PHP])
  fi

  AC_CHECK_HEADER([liburing.h], [], [AC_MSG_ERROR([liburing.h not found: install liburing-dev])])
  AC_CHECK_HEADER([http_parser.h], [], [AC_MSG_ERROR([http_parser.h not found: install libhttp-parser-dev])])
  AC_CHECK_HEADER([openssl/sha.h], [], [AC_MSG_ERROR([openssl/sha.h not found: install libssl-dev])])

  PHP_ADD_LIBRARY(uring, 1, RINGMASTER_SHARED_LIBADD)
  PHP_ADD_LIBRARY(http_parser, 1, RINGMASTER_SHARED_LIBADD)
  PHP_ADD_LIBRARY(crypto, 1, RINGMASTER_SHARED_LIBADD)
  PHP_ADD_LIBRARY(stdc++, 1, RINGMASTER_SHARED_LIBADD)
  PHP_SUBST(RINGMASTER_SHARED_LIBADD)

  dnl Every .cc under src/ is part of the extension (the list is read from the tree, so a new
  dnl core file needs no edit here).
  ringmaster_sources=`cd "$srcdir" && find src -name '*.cc' | LC_ALL=C sort | tr '\n' ' '`

  PHP_NEW_EXTENSION(ringmaster, $ringmaster_sources, $ext_shared,, [-std=c++20 -fvisibility=hidden -I@ext_srcdir@/include -I@ext_srcdir@/src/php -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1], cxx)

  for dir in `cd "$srcdir" && find src -type d`; do
    PHP_ADD_BUILD_DIR($ext_builddir/$dir, 1)
  done
fi
