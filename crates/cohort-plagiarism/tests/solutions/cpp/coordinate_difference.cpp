#include <bits/stdc++.h>
using namespace std;
typedef long long ll;

int n;
vector<ll> L, R, coords;

int idx(ll v) {
    return lower_bound(coords.begin(), coords.end(), v) - coords.begin();
}

void compress() {
    coords.clear();
    for (int i = 0; i < n; i++) {
        coords.push_back(L[i]);
        coords.push_back(R[i]);
    }
    sort(coords.begin(), coords.end());
    coords.erase(unique(coords.begin(), coords.end()), coords.end());
}

int sweep() {
    vector<int> diff(coords.size() + 1, 0);
    for (int i = 0; i < n; i++) {
        diff[idx(L[i])]++;
        diff[idx(R[i]) + 1]--;
    }
    int cur = 0, res = 0;
    for (size_t k = 0; k < coords.size(); k++) {
        cur += diff[k];
        res = max(res, cur);
    }
    return res;
}

int main() {
    scanf("%d", &n);
    L.resize(n);
    R.resize(n);
    for (int i = 0; i < n; i++) scanf("%lld%lld", &L[i], &R[i]);
    compress();
    printf("%d\n", sweep());
}
