#ifndef CTHAG_VERSION_H
#define CTHAG_VERSION_H

/* cthag's release.  Part of every entry's identity (pipeline.c): a new release generates other
 * code for the same script (a changed wrapper, other profile defaults), so its entries are its
 * own and a run never execs what an older cthag built for the same text. */
#define CTHAG_VERSION "0.3.0"

#endif
