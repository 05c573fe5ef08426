#include <bits/stdc++.h>
using namespace std;

struct Point {
    long long x;
    int kind;
};

vector<Point> load(istream &input) {
    int count;
    input >> count;
    vector<Point> pts;
    pts.reserve(2 * count);
    for (int k = 0; k < count; k++) {
        long long l, r;
        input >> l >> r;
        pts.push_back({l, +1});
        pts.push_back({r, -1});
    }
    return pts;
}

bool cmp(const Point &p, const Point &q) {
    if (p.x != q.x) return p.x < q.x;
    return p.kind > q.kind;
}

int solve(vector<Point> pts) {
    sort(pts.begin(), pts.end(), cmp);
    int cur = 0, ans = 0;
    for (const Point &pt : pts) {
        cur += pt.kind;
        ans = max(ans, cur);
    }
    return ans;
}

void output(int result) {
    cout << result << "\n";
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    vector<Point> pts = load(cin);
    output(solve(pts));
    return 0;
}
