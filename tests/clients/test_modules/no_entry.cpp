// A shared library that is not a slowfast module: it has no entry point.
extern "C" __attribute__((visibility("default"))) int not_a_slowfast_module() { return 1; }
