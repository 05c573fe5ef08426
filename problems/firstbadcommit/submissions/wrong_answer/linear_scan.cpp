// WRONG: tests commits 1, 2, 3, ... until the first bad one. Correct answer, but it
// needs b tests, far more than the 30 allowed when b is large.
#include <cstdio>
#include <cstring>

int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    long long x = 1;
    for (; x < n; x++) {
        printf("? %lld\n", x);
        fflush(stdout);
        char reply[16];
        if (scanf("%15s", reply) != 1) return 0;  // the interactor gave up on us
        if (strcmp(reply, "bad") == 0) break;
    }
    printf("! %lld\n", x);
    fflush(stdout);
    return 0;
}
