#include <algorithm>
#include <functional>
#include <iostream>
#include <queue>
#include <vector>

using Interval = std::pair<long long, long long>;

std::vector<Interval> parse(std::istream& input) {
    std::size_t count = 0;
    input >> count;
    std::vector<Interval> intervals(count);
    for (auto& [left, right] : intervals) {
        input >> left >> right;
    }
    return intervals;
}

// Like counting meeting rooms: keep the ends of the open intervals in a min-heap.
int roomsNeeded(std::vector<Interval> intervals) {
    std::sort(intervals.begin(), intervals.end());
    std::priority_queue<long long, std::vector<long long>, std::greater<long long>> endings;
    int most = 0;
    for (const auto& [left, right] : intervals) {
        while (!endings.empty() && endings.top() < left) {
            endings.pop();
        }
        endings.push(right);
        most = std::max<int>(most, static_cast<int>(endings.size()));
    }
    return most;
}

int main() {
    auto intervals = parse(std::cin);
    std::cout << roomsNeeded(intervals) << std::endl;
}
