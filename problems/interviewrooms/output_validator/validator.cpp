// Output validator for Interview Rooms.
// Usage: validator input_file answer_file feedback_dir < team_output
// Exit 42: accepted; exit 43: wrong answer (reason in feedback_dir/judgemessage.txt).
// Any other exit code signals a problem with the validator or the test data.
#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

static std::string feedback_dir;

[[noreturn]] static void verdict(int code, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    // std::exit does not unwind the stack, so write and close the file explicitly.
    if (FILE *f = std::fopen((feedback_dir + "judgemessage.txt").c_str(), "w")) {
        std::fprintf(f, "%s\n", msg);
        std::fclose(f);
    }
    if (code != 42 && code != 43) std::fprintf(stderr, "judge error: %s\n", msg);
    std::exit(code);
}

// Reads the next whitespace-separated token (at most 64 characters) from stdin.
static bool next_token(std::string &tok) {
    tok.clear();
    int c;
    while ((c = std::getchar()) != EOF && std::isspace(c)) {}
    if (c == EOF) return false;
    while (c != EOF && !std::isspace(c)) {
        if (tok.size() < 64) tok.push_back((char)c);
        c = std::getchar();
    }
    return true;
}

// Strict integer: optional minus sign and 1 to 18 digits.
static bool parse_int(const std::string &tok, long long &v) {
    size_t i = 0;
    bool neg = false;
    if (i < tok.size() && tok[i] == '-') { neg = true; i++; }
    if (i == tok.size() || tok.size() - i > 18) return false;
    v = 0;
    for (; i < tok.size(); i++) {
        if (!std::isdigit((unsigned char)tok[i])) return false;
        v = v * 10 + (tok[i] - '0');
    }
    if (neg) v = -v;
    return true;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s input_file answer_file feedback_dir < team_output\n", argv[0]);
        return 1;
    }
    feedback_dir = argv[3];
    if (!feedback_dir.empty() && feedback_dir.back() != '/') feedback_dir += '/';

    std::ifstream in(argv[1]);
    int n;
    if (!(in >> n) || n < 1) verdict(1, "cannot read n from the input file");
    std::vector<long long> s(n), e(n);
    for (int i = 0; i < n; i++)
        if (!(in >> s[i] >> e[i])) verdict(1, "cannot read interview %d from the input file", i + 1);

    // Optimal number of rooms = maximum number of simultaneously running interviews.
    // At equal times, ends (-1) are processed before starts (+1).
    std::vector<std::pair<long long, int>> ev;
    ev.reserve(2 * (size_t)n);
    for (int i = 0; i < n; i++) {
        ev.push_back({s[i], +1});
        ev.push_back({e[i], -1});
    }
    std::sort(ev.begin(), ev.end());
    long long cur = 0, best = 0;
    for (auto &p : ev) {
        cur += p.second;
        best = std::max(best, cur);
    }
    std::ifstream ans(argv[2]);
    long long judge_k;
    if (!(ans >> judge_k)) verdict(1, "cannot read the judge's k from the answer file");
    if (judge_k != best) verdict(1, "answer file says k=%lld but the input needs %lld rooms", judge_k, best);

    std::string tok;
    long long k;
    if (!next_token(tok)) verdict(43, "empty output: expected the number of rooms");
    if (!parse_int(tok, k)) verdict(43, "number of rooms is not an integer: '%s'", tok.c_str());
    if (k < 1 || k > n) verdict(43, "number of rooms %lld is out of range [1, %d]", k, n);

    std::vector<long long> room(n);
    for (int i = 0; i < n; i++) {
        if (!next_token(tok)) verdict(43, "output ended after %d of %d room numbers", i, n);
        if (!parse_int(tok, room[i])) verdict(43, "room of interview %d is not an integer: '%s'", i + 1, tok.c_str());
        if (room[i] < 1 || room[i] > k)
            verdict(43, "room of interview %d is %lld, outside [1, %lld]", i + 1, room[i], k);
    }
    if (next_token(tok)) verdict(43, "trailing output after %d room numbers: '%s'", n, tok.c_str());

    std::vector<int> idx(n);
    for (int i = 0; i < n; i++) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](int a, int b) {
        if (room[a] != room[b]) return room[a] < room[b];
        if (s[a] != s[b]) return s[a] < s[b];
        return a < b;
    });
    for (int j = 0; j + 1 < n; j++) {
        int a = idx[j], b = idx[j + 1];
        if (room[a] == room[b] && e[a] > s[b])
            verdict(43, "interviews %d [%lld,%lld) and %d [%lld,%lld) overlap in room %lld", a + 1, s[a], e[a],
                    b + 1, s[b], e[b], room[a]);
    }
    if (k > best) verdict(43, "valid assignment, but it uses %lld rooms and %lld suffice", k, best);
    if (k < best) verdict(1, "validator bug: valid assignment with %lld < %lld rooms", k, best);
    return 42;
}
