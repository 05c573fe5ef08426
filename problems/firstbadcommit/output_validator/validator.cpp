// Interactor for First Bad Commit.
// Usage: validator input_file answer_file feedback_dir
// Its stdout is the submission's stdin and the submission's stdout is its stdin.
// Exit 42: accepted; exit 43: wrong answer (reason in feedback_dir/judgemessage.txt).
// Input file: "n b" (number of commits, first bad commit). The answer file is unused.
#include <cctype>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

static const int MAX_QUERIES = 30;
static std::string feedback_dir;

[[noreturn]] static void verdict(int code, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (FILE *f = std::fopen((feedback_dir + "judgemessage.txt").c_str(), "w")) {
        std::fprintf(f, "%s\n", msg);
        std::fclose(f);
    }
    if (code != 42 && code != 43) std::fprintf(stderr, "judge error: %s\n", msg);
    std::exit(code);
}

// Next whitespace-separated token of the submission's output (at most 32 characters kept).
static bool next_token(std::string &tok) {
    tok.clear();
    int c;
    while ((c = std::getchar()) != EOF && std::isspace(c)) {}
    if (c == EOF) return false;
    while (c != EOF && !std::isspace(c)) {
        if (tok.size() < 32) tok.push_back((char)c);
        c = std::getchar();
    }
    return true;
}

static bool parse_int(const std::string &tok, long long &v) {
    if (tok.empty() || tok.size() > 18) return false;
    v = 0;
    for (char ch : tok) {
        if (!std::isdigit((unsigned char)ch)) return false;
        v = v * 10 + (ch - '0');
    }
    return true;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s input_file answer_file feedback_dir\n", argv[0]);
        return 1;
    }
    // A submission that exits early must not kill the interactor with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    feedback_dir = argv[3];
    if (!feedback_dir.empty() && feedback_dir.back() != '/') feedback_dir += '/';

    long long n, b;
    FILE *in = std::fopen(argv[1], "r");
    if (!in || std::fscanf(in, "%lld %lld", &n, &b) != 2 || n < 1 || b < 1 || b > n)
        verdict(1, "invalid input file");
    std::fclose(in);

    std::printf("%lld\n", n);
    std::fflush(stdout);

    int queries = 0;
    std::string tok;
    while (true) {
        if (!next_token(tok)) {
            // The submission closed its output without answering, usually because it
            // crashed. Give the judge a moment to record the submission's exit first,
            // so that a crash is reported as Run-Time Error rather than Wrong Answer.
            usleep(200 * 1000);
            verdict(43, "output ended before an answer (after %d queries)", queries);
        }
        if (tok == "?") {
            long long x;
            if (!next_token(tok) || !parse_int(tok, x)) verdict(43, "query %d: expected a commit number", queries + 1);
            if (x < 1 || x > n) verdict(43, "query %d: commit %lld outside [1, %lld]", queries + 1, x, n);
            if (++queries > MAX_QUERIES) verdict(43, "more than %d queries", MAX_QUERIES);
            std::printf("%s\n", x >= b ? "bad" : "good");
            std::fflush(stdout);
        } else if (tok == "!") {
            long long x;
            if (!next_token(tok) || !parse_int(tok, x)) verdict(43, "answer: expected a commit number");
            if (x != b) verdict(43, "answered %lld, but the first bad commit is %lld", x, b);
            if (next_token(tok)) verdict(43, "trailing output after the answer: '%s'", tok.c_str());
            verdict(42, "found commit %lld with %d queries", b, queries);
        } else {
            verdict(43, "expected '?' or '!', got '%s'", tok.c_str());
        }
    }
}
