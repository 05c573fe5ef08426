// WRONG: the same greedy, but interviews are processed in input order instead of by
// start time. The assignment is always valid, but it can use more rooms than needed.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<long long> s(n), e(n);
    for (int i = 0; i < n; i++) scanf("%lld %lld", &s[i], &e[i]);
    priority_queue<pair<long long, int>, vector<pair<long long, int>>, greater<>> busy;
    vector<int> room(n);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!busy.empty() && busy.top().first <= s[i]) {
            room[i] = busy.top().second;
            busy.pop();
        } else {
            room[i] = ++k;
        }
        busy.push({e[i], room[i]});
    }
    printf("%d\n", k);
    for (int i = 0; i < n; i++) printf("%d%c", room[i], i + 1 < n ? ' ' : '\n');
    return 0;
}
