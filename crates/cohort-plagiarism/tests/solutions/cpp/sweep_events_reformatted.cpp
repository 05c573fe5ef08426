/*
 * Maximum overlap of closed intervals.
 * Approach: sweep line over start and end events, O(n log n).
 */
#include <bits/stdc++.h>

using namespace std;

// One endpoint of an interval.
struct Event
{
    long long position; // where on the line
    int delta;          // +1 opens an interval, -1 closes one
};

// Reads n and then n pairs "start end".
vector<Event> readEvents(istream &in)
{
    int n;
    in >> n;

    vector<Event> events;
    events.reserve(2 * n);

    for (int i = 0; i < n; i++)
    {
        long long start, end;
        in >> start >> end;

        events.push_back({start, +1});
        events.push_back({end, -1});
    }

    return events;
}

// Ordering of events: by position, and opening before closing.
bool comesFirst(const Event &a, const Event &b)
{
    if (a.position != b.position)
    {
        return a.position < b.position;
    }
    return a.delta > b.delta;
}

int maxOverlap(vector<Event> events)
{
    sort(events.begin(), events.end(), comesFirst);

    int open = 0, best = 0;
    for (const Event &event : events)
    {
        open += event.delta;          // running count
        best = max(best, open);       // best so far
    }
    return best;
}

void printAnswer(int answer) { cout << answer << "\n"; }

int main()
{
    ios::sync_with_stdio(false);
    cin.tie(nullptr);

    vector<Event> events = readEvents(cin);
    printAnswer(maxOverlap(events));

    return 0;
}
