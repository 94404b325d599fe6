// timdesk.hpp compiles on its own, as the first and only include.
#include "timdesk.hpp"

int main() { return timdesk::version().empty() ? 1 : 0; }
