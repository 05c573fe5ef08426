import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(in.readLine().trim());
        long[][] ev = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            StringTokenizer st = new StringTokenizer(in.readLine());
            long a = Long.parseLong(st.nextToken()), b = Long.parseLong(st.nextToken());
            ev[2 * i] = new long[] {a, 0};
            ev[2 * i + 1] = new long[] {b, 1};
        }
        System.out.println(count(ev));
    }

    static int count(long[][] ev) {
        // Equal points: the start (0) before the end (1).
        Arrays.sort(ev, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int cur = 0, mx = 0;
        for (long[] e : ev) {
            if (e[1] == 0) {
                cur++;
                mx = Math.max(mx, cur);
            } else {
                cur--;
            }
        }
        return mx;
    }
}
