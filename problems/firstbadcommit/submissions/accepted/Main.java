// First Bad Commit: binary search on [1, n]; at most ceil(log2 n) <= 30 tests.
import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        long n = Long.parseLong(in.readLine().trim());
        long lo = 1, hi = n; // b is in [lo, hi]
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            out.println("? " + mid);
            out.flush();
            if (in.readLine().trim().equals("bad")) hi = mid;
            else lo = mid + 1;
        }
        out.println("! " + lo);
        out.flush();
    }
}
