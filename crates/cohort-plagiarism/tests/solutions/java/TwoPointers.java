import java.util.*;

public class Main {
    static long[] starts, ends;

    static void read() {
        Scanner sc = new Scanner(System.in);
        int n = sc.nextInt();
        starts = new long[n];
        ends = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = sc.nextLong();
            ends[i] = sc.nextLong();
        }
    }

    static int solve() {
        Arrays.sort(starts);
        Arrays.sort(ends);
        int active = 0, answer = 0, j = 0;
        for (long s : starts) {
            // Drop the intervals that closed before s.
            while (j < ends.length && ends[j] < s) {
                active--;
                j++;
            }
            active++;
            answer = Math.max(answer, active);
        }
        return answer;
    }

    public static void main(String[] args) {
        read();
        System.out.println(solve());
    }
}
