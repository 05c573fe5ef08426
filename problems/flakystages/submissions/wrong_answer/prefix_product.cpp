// WRONG: plain prefix products P[i] = (1-p_1)...(1-p_i) and the ratio P[r] / P[l-1].
// Long prefixes underflow to 0 (and p_i = 1 makes them exactly 0), giving nan or
// wrong answers for ranges deep inside the pipeline.
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<double> P(n + 1, 1.0);
    for (int i = 1; i <= n; i++) {
        double p;
        scanf("%lf", &p);
        P[i] = P[i - 1] * (1.0 - p);
    }
    for (int k = 0; k < q; k++) {
        int l, r;
        scanf("%d %d", &l, &r);
        printf("%.10f\n", 1.0 - P[r] / P[l - 1]);
    }
    return 0;
}
