// PARTIAL (group 2 only, 30 points): fast Fenwick tree solution that also counts
// pairs of equal latencies as speedups (a[j] <= a[i] instead of a[j] < a[i]).
// Correct exactly when all values are distinct.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    vector<int> vals(a);
    sort(vals.begin(), vals.end());
    vals.erase(unique(vals.begin(), vals.end()), vals.end());
    int m = vals.size();
    vector<int> bit(m + 1, 0);
    long long ans = 0;
    for (int j = 0; j < n; j++) {
        int r = lower_bound(vals.begin(), vals.end(), a[j]) - vals.begin() + 1;
        int lt = 0;  // earlier days with value < a[j]   (bug: should be <=)
        for (int i = r - 1; i > 0; i -= i & -i) lt += bit[i];
        ans += j - lt;
        for (int i = r; i <= m; i += i & -i) bit[i]++;
    }
    printf("%lld\n", ans);
    return 0;
}
