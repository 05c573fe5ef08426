#include <bits/stdc++.h>
using namespace std;

vector<pair<long long, int>> ev;

void read() {
    int n;
    cin >> n;
    for (int i = 0; i < n; i++) {
        long long a, b;
        cin >> a >> b;
        ev.emplace_back(a, 0); // 0 sorts before 1, so starts come first at equal points
        ev.emplace_back(b, 1);
    }
}

int solve() {
    sort(ev.begin(), ev.end());
    int cnt = 0, mx = 0;
    for (auto &e : ev) {
        if (e.second == 0) {
            cnt++;
            mx = max(mx, cnt);
        } else {
            cnt--;
        }
    }
    return mx;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    read();
    cout << solve() << endl;
    return 0;
}
