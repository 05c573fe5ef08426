#include <cstdio>
#include <algorithm>
#include <vector>

static std::vector<long long> starts, ends_;

void read_input() {
    int n;
    if (scanf("%d", &n) != 1) return;
    starts.resize(n);
    ends_.resize(n);
    for (int i = 0; i < n; ++i) scanf("%lld %lld", &starts[i], &ends_[i]);
}

int count_max_overlap() {
    std::sort(starts.begin(), starts.end());
    std::sort(ends_.begin(), ends_.end());
    int answer = 0, active = 0;
    size_t j = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
        // Close every interval that ended strictly before this one starts.
        while (j < ends_.size() && ends_[j] < starts[i]) {
            --active;
            ++j;
        }
        ++active;
        if (active > answer) answer = active;
    }
    return answer;
}

int main() {
    read_input();
    printf("%d\n", count_max_overlap());
    return 0;
}
