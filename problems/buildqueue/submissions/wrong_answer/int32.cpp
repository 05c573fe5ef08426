// WRONG: correct algorithm, but times and the waiting total are kept in 32-bit
// ints, which overflow once the totals exceed 2^31 - 1.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, m;
    scanf("%d %d", &n, &m);
    int k = min(n, m);
    priority_queue<unsigned, vector<unsigned>, greater<unsigned>> idle;
    for (int r = 0; r < k; r++) idle.push(0);
    // unsigned arithmetic wraps modulo 2^32 (well defined), printed as int
    unsigned waiting = 0, last = 0, prev = 0;
    for (int i = 0; i < n; i++) {
        unsigned a, d;
        scanf("%u %u", &a, &d);
        unsigned s = max(max(a, prev), idle.top());
        idle.pop();
        idle.push(s + d);
        waiting += s - a;
        last = max(last, s + d);
        prev = s;
    }
    printf("%d %d\n", (int)waiting, (int)last);
    return 0;
}
