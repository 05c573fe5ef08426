// First Bad Commit: this is an interactive problem. Flush after every line you print.
#include <iostream>
#include <string>

int main() {
    std::ios::sync_with_stdio(false);
    long long n;
    std::cin >> n;
    // Ask a question with: std::cout << "? " << k << std::endl;  (std::endl flushes)
    // Answer with:         std::cout << "! " << k << std::endl;
    return 0;
}
