/* The user database, read from /etc/passwd as a file: a static binary cannot load NSS modules
 * (getpwuid would not link statically with glibc, nor see LDAP users with musl), and unsure
 * means "not found". */
#ifndef CTHAG_UTIL_PASSWD_H
#define CTHAG_UTIL_PASSWD_H

#include "util/strbuf.h"

#include <sys/types.h>

/* The home directory of the user uid: 0 and the path in home (reset first), or -1. */
int passwd_home(uid_t uid, struct strbuf *home);

#endif
