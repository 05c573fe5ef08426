// Speedups: for each day j, count earlier days with strictly larger latency using a
// Fenwick tree over compressed values. O(n log n), answer in 64 bits.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    vector<int> vals(a);
    sort(vals.begin(), vals.end());
    vals.erase(unique(vals.begin(), vals.end()), vals.end());
    int m = vals.size();
    vector<int> bit(m + 1, 0);
    long long ans = 0;
    for (int j = 0; j < n; j++) {
        int r = lower_bound(vals.begin(), vals.end(), a[j]) - vals.begin() + 1;  // 1-based rank
        int le = 0;  // earlier days with value <= a[j]
        for (int i = r; i > 0; i -= i & -i) le += bit[i];
        ans += j - le;
        for (int i = r; i <= m; i += i & -i) bit[i]++;
    }
    printf("%lld\n", ans);
    return 0;
}
