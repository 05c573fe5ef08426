// Interview Rooms: sweep interviews by start time; reuse the room that becomes free
// earliest if it is free by then, otherwise open a new room. O(n log n).
#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<long long> s(n), e(n);
    for (int i = 0; i < n; i++) cin >> s[i] >> e[i];
    vector<int> order(n);
    iota(order.begin(), order.end(), 0);
    sort(order.begin(), order.end(), [&](int a, int b) { return s[a] < s[b]; });
    priority_queue<pair<long long, int>, vector<pair<long long, int>>, greater<>> busy;  // (end, room)
    vector<int> room(n);
    int k = 0;
    for (int i : order) {
        if (!busy.empty() && busy.top().first <= s[i]) {
            room[i] = busy.top().second;
            busy.pop();
        } else {
            room[i] = ++k;
        }
        busy.push({e[i], room[i]});
    }
    string out = to_string(k) + "\n";
    for (int i = 0; i < n; i++) {
        out += to_string(room[i]);
        out += (i + 1 < n ? ' ' : '\n');
    }
    cout << out;
    return 0;
}
