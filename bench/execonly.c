/* execonly: the floor for a launcher.  It does nothing but exec its arguments, and is built the
 * way cthag is (make bench: the same compiler and static link), so that the difference between a
 * cached cthag run and this is what cthag does beyond exec-ing.
 *
 *   execonly PROGRAM [ARGS...] */
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    execv(argv[1], argv + 1);
    return 127;
}
