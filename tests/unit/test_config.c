/* config.c: values read as TOML reads them, sizes, unknown names warned and ignored. */
#include "config.h"
#include "unit.h"
#include "util/die.h"

static int parse(struct config *cfg, const char *text)
{
    config_release(cfg);
    cfg->max_cache_size = CONFIG_DEFAULT_MAX_SIZE;
    cfg->max_age_days = CONFIG_DEFAULT_MAX_AGE_DAYS;
    return config_parse(cfg, "config.toml", text, strlen(text));
}

static void test_integers(void)
{
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 1_000\n"), 0);
    CHECK_INT(cfg.max_age_days, 1000);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 0x1F\n"), 0);
    CHECK_INT(cfg.max_age_days, 31);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 0o17\n"), 0);
    CHECK_INT(cfg.max_age_days, 15);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = +7\n"), 0);
    CHECK_INT(cfg.max_age_days, 7);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 0\n"), 0);
    CHECK_INT(cfg.max_age_days, 0);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = -1\n"), -1);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 100_001\n"), -1);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 99999999999999999999\n"), -1);
    CHECK_INT(parse(&cfg, "[cache]\nmax-age-days = 1.5\n"), -1);
    CHECK_INT(parse(&cfg, "[cache]\nmax-size = 1_048_576\n"), 0);
    CHECK_INT(cfg.max_cache_size, 1048576);
    CHECK_INT(parse(&cfg, "[cache]\nmax-size = 0b1_0000_0000\n"), 0);
    CHECK_INT(cfg.max_cache_size, 256);
    CHECK_INT(parse(&cfg, "[cache]\nmax-size = \"1.5 KiB\"\n"), 0);
    CHECK_INT(cfg.max_cache_size, 1536);
    CHECK_INT(parse(&cfg, "[cache]\nmax-size = -5\n"), -1);
    config_release(&cfg);
}

static void test_unknown_names(void)
{
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    verbosity = -1; /* the warnings themselves are checked by tests/cli/t48 */
    CHECK_INT(parse(&cfg, "[bulid]\nprofile = \"release\"\n[build]\nprofiel = \"release\"\n"), 0);
    CHECK(cfg.profile == NULL);
    CHECK_INT(parse(&cfg, "[build]\nprofile = \"release\"\ncolour = 1\n"), 0);
    CHECK_STR(cfg.profile, "release");
    verbosity = 0;
    config_release(&cfg);
}

int main(void)
{
    test_integers();
    test_unknown_names();
    return unit_finish("test_config");
}
