// TOO SLOW: for every job scans all runners for the one that becomes idle first.
// O(n * m), about 4 * 10^10 steps when n = m = 200000.
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in), 1 << 16);
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken());
        int m = Integer.parseInt(st.nextToken());
        long[] idle = new long[m];
        long waiting = 0, last = 0, prev = 0;
        for (int i = 0; i < n; i++) {
            st = new StringTokenizer(br.readLine());
            long a = Long.parseLong(st.nextToken()), d = Long.parseLong(st.nextToken());
            int best = 0;
            for (int r = 1; r < m; r++) {
                if (idle[r] < idle[best]) best = r;
            }
            long s = Math.max(Math.max(a, prev), idle[best]);
            idle[best] = s + d;
            waiting += s - a;
            last = Math.max(last, s + d);
            prev = s;
        }
        System.out.println(waiting + " " + last);
    }
}
