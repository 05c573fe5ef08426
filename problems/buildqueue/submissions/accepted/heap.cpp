// Build Queue: min-heap of the times at which the runners become idle.
// Only min(n, m) runners can ever be used. O(n log min(n, m)).
#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    long long m;
    cin >> n >> m;
    int k = (int)min<long long>(n, m);
    priority_queue<long long, vector<long long>, greater<long long>> idle;
    for (int r = 0; r < k; r++) idle.push(0);
    long long waiting = 0, last = 0, prevStart = 0;
    for (int i = 0; i < n; i++) {
        long long a, d;
        cin >> a >> d;
        long long s = max({a, prevStart, idle.top()});
        idle.pop();
        idle.push(s + d);
        waiting += s - a;
        last = max(last, s + d);
        prevStart = s;
    }
    cout << waiting << ' ' << last << '\n';
    return 0;
}
