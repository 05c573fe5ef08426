#include <bits/stdc++.h>
using namespace std;

struct Event {
    long long position;
    int delta;
};

vector<Event> readEvents(istream &in) {
    int n;
    in >> n;
    vector<Event> events;
    events.reserve(2 * n);
    for (int i = 0; i < n; i++) {
        long long start, end;
        in >> start >> end;
        events.push_back({start, +1});
        events.push_back({end, -1});
    }
    return events;
}

bool comesFirst(const Event &a, const Event &b) {
    if (a.position != b.position) return a.position < b.position;
    // Intervals are closed: one that starts where another ends overlaps it.
    return a.delta > b.delta;
}

int maxOverlap(vector<Event> events) {
    sort(events.begin(), events.end(), comesFirst);
    int open = 0, best = 0;
    for (const Event &event : events) {
        open += event.delta;
        best = max(best, open);
    }
    return best;
}

void printAnswer(int answer) {
    cout << answer << "\n";
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    vector<Event> events = readEvents(cin);
    printAnswer(maxOverlap(events));
    return 0;
}
