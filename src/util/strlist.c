#include "util/strlist.h"

#include "util/die.h"

#include <stdlib.h>
#include <string.h>

static void push(struct strlist *list, char *owned)
{
    if (list->count == list->alloc) {
        list->alloc = list->alloc ? list->alloc * 2 : 8;
        list->items = xrealloc(list->items, list->alloc * sizeof(char *));
    }
    list->items[list->count++] = owned;
}

void strlist_add(struct strlist *list, const char *s)
{
    push(list, xstrdup(s));
}

void strlist_add_unique(struct strlist *list, const char *s)
{
    if (!strlist_contains(list, s))
        strlist_add(list, s);
}

int strlist_contains(const struct strlist *list, const char *s)
{
    for (size_t i = 0; i < list->count; i++)
        if (!strcmp(list->items[i], s))
            return 1;
    return 0;
}

void strlist_release(struct strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->alloc = 0;
}
