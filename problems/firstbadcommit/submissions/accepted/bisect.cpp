// First Bad Commit: binary search on [1, n]; at most ceil(log2 n) <= 30 tests.
#include <iostream>
#include <string>
using namespace std;

int main() {
    long long n;
    cin >> n;
    long long lo = 1, hi = n;  // b is in [lo, hi]
    while (lo < hi) {
        long long mid = lo + (hi - lo) / 2;
        cout << "? " << mid << endl;  // endl flushes
        string reply;
        cin >> reply;
        if (reply == "bad") hi = mid;
        else lo = mid + 1;
    }
    cout << "! " << lo << endl;
    return 0;
}
