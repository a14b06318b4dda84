/* Fuzz the splitting of --wrapper's command into words: no crash, and words never hold more
 * bytes than the text had. */
#include "util/shellwords.h"

#include "util/die.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmemdupz(data, size);
    struct strlist words = STRLIST_INIT;
    const char *problem;
    shell_split(text, &words, &problem);
    size_t total = 0;
    for (size_t i = 0; i < words.count; i++)
        total += strlen(words.items[i]);
    if (total > size)
        __builtin_trap();
    strlist_release(&words);
    free(text);
    return 0;
}
