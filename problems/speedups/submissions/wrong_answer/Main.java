// WRONG: counts slowdowns (a[j] > a[i]) instead of speedups. Fast, but wrong in
// every group, so it scores 0.
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in), 1 << 16);
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = Integer.parseInt(st.nextToken());
        int[] vals = a.clone();
        Arrays.sort(vals);
        long[] bit = new long[n + 1];
        long ans = 0;
        for (int j = 0; j < n; j++) {
            // rank = number of values strictly smaller than a[j], plus one
            int lo = 0, hi = n;
            while (lo < hi) { int mid = (lo + hi) >>> 1; if (vals[mid] < a[j]) lo = mid + 1; else hi = mid; }
            int r = lo + 1;
            for (int i = r - 1; i > 0; i -= i & -i) ans += bit[i];  // earlier values < a[j]
            for (int i = r; i <= n; i += i & -i) bit[i]++;
        }
        System.out.println(ans);
    }
}
