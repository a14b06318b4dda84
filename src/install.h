/* -x: a script's release executable installed as a command of its own.  Installing never
 * destroys: not the script itself (an extensionless shebang script shares the command's name),
 * nor a file cthag did not install there before (it keeps a list, <root>/installed), unless
 * forced. */
#ifndef CTHAG_INSTALL_H
#define CTHAG_INSTALL_H

/* Copy the executable at bin_path to DIR/NAME, NAME being the script's file name without
 * ".rs"; DIR is install_dir, else $CARGO_HOME/bin, else ~/.cargo/bin.  Returns an exit status
 * (the reason printed when not 0). */
int install_executable(const char *cache_root, const char *bin_path, const char *script,
                       const char *install_dir, int force);

#endif
