// Credit Window: answer = max over j >= L of P[j] - min(P[0..j-L]) with prefix sums P.
// O(n) with a hand-written reader over one fread() of the whole input.
#include <cstdio>
#include <cstdlib>
#include <vector>

static std::vector<char> buf;
static size_t pos = 0;

static long long readInt() {
    while (pos < buf.size() && buf[pos] != '-' && (buf[pos] < '0' || buf[pos] > '9')) pos++;
    bool neg = false;
    if (pos < buf.size() && buf[pos] == '-') { neg = true; pos++; }
    long long r = 0;
    while (pos < buf.size() && buf[pos] >= '0' && buf[pos] <= '9') r = r * 10 + (buf[pos++] - '0');
    return neg ? -r : r;
}

int main() {
    // read all of stdin
    size_t cap = 1 << 24, len = 0;
    buf.resize(cap);
    while (true) {
        size_t got = fread(buf.data() + len, 1, cap - len, stdin);
        len += got;
        if (len < cap) break;
        cap *= 2;
        buf.resize(cap);
    }
    buf.resize(len);

    int n = (int)readInt();
    int L = (int)readInt();
    std::vector<long long> P(n + 1, 0);
    for (int i = 1; i <= n; i++) P[i] = P[i - 1] + readInt();
    long long low = P[0], best = P[L] - P[0];
    for (int j = L; j <= n; j++) {
        if (P[j - L] < low) low = P[j - L];
        if (P[j] - low > best) best = P[j] - low;
    }
    printf("%lld\n", best);
    return 0;
}
