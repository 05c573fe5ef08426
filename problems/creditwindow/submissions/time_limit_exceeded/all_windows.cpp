// TOO SLOW: tries every start minute and extends the window to the right.
// Fast input, correct answers, but O(n^2): about 5 * 10^11 steps on the huge test.
#include <cstdio>
#include <vector>

int main() {
    int n, L;
    if (scanf("%d %d", &n, &L) != 2) return 0;
    std::vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    long long best = 0;
    bool have = false;
    for (int i = 0; i < n; i++) {
        long long sum = 0;
        for (int j = i; j < n; j++) {
            sum += a[j];
            if (j - i + 1 >= L && (!have || sum > best)) {
                best = sum;
                have = true;
            }
        }
    }
    printf("%lld\n", best);
    return 0;
}
