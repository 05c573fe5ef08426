// Flaky Stages: prefix products of (1 - p_i), kept normalised as mantissa * 2^exponent
// (frexp) so they never underflow; stages with p_i = 1 are counted separately.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 0;
    vector<double> mant(n + 1);
    vector<long long> expo(n + 1);
    vector<int> certain(n + 1);
    mant[0] = 0.5; expo[0] = 1; certain[0] = 0;  // 1 = 0.5 * 2^1
    for (int i = 1; i <= n; i++) {
        double p;
        scanf("%lf", &p);
        double f = 1.0 - p;
        certain[i] = certain[i - 1];
        mant[i] = mant[i - 1];
        expo[i] = expo[i - 1];
        if (f == 0.0) { certain[i]++; continue; }
        int e;
        mant[i] = frexp(mant[i - 1] * f, &e);
        expo[i] = expo[i - 1] + e;
    }
    string out;
    char buf[64];
    for (int k = 0; k < q; k++) {
        int l, r;
        scanf("%d %d", &l, &r);
        double ans;
        if (certain[r] - certain[l - 1] > 0) {
            ans = 1.0;
        } else {
            long long de = expo[r] - expo[l - 1];
            double ratio = de < -2000 ? 0.0 : ldexp(mant[r] / mant[l - 1], (int)de);
            ans = 1.0 - ratio;
        }
        snprintf(buf, sizeof buf, "%.10f\n", ans);
        out += buf;
    }
    fputs(out.c_str(), stdout);
    return 0;
}
