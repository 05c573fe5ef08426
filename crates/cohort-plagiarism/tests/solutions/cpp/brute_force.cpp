#include <algorithm>
#include <iostream>
#include <vector>

class IntervalSet {
public:
    void add(long long from, long long to) {
        from_.push_back(from);
        to_.push_back(to);
    }

    // The deepest point is always the start of some interval, so it is enough to try those.
    int deepest() const {
        int result = 0;
        for (std::size_t candidate = 0; candidate < from_.size(); ++candidate) {
            result = std::max(result, coveringCount(from_[candidate]));
        }
        return result;
    }

private:
    int coveringCount(long long point) const {
        int covering = 0;
        for (std::size_t i = 0; i < from_.size(); ++i) {
            if (from_[i] <= point && point <= to_[i]) {
                ++covering;
            }
        }
        return covering;
    }

    std::vector<long long> from_;
    std::vector<long long> to_;
};

int main() {
    int n;
    std::cin >> n;
    IntervalSet set;
    while (n-- > 0) {
        long long from, to;
        std::cin >> from >> to;
        set.add(from, to);
    }
    std::cout << set.deepest() << '\n';
    return 0;
}
