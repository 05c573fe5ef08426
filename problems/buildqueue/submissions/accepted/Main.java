// Build Queue: min-heap (array based) of the times at which the runners become idle.
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        int n = (int) readLong(in);
        long m = readLong(in);
        int k = (int) Math.min(n, m);
        long[] heap = new long[k]; // all zero: a valid heap
        long waiting = 0, last = 0, prev = 0;
        for (int i = 0; i < n; i++) {
            long a = readLong(in), d = readLong(in);
            long s = Math.max(Math.max(a, prev), heap[0]);
            // replace the root with s + d and sift down
            long v = s + d;
            int pos = 0;
            while (true) {
                int c = 2 * pos + 1;
                if (c >= k) break;
                if (c + 1 < k && heap[c + 1] < heap[c]) c++;
                if (heap[c] >= v) break;
                heap[pos] = heap[c];
                pos = c;
            }
            heap[pos] = v;
            waiting += s - a;
            last = Math.max(last, v);
            prev = s;
        }
        System.out.println(waiting + " " + last);
    }

    private static long readLong(DataInputStream in) throws IOException {
        int b = in.read();
        while (b != '-' && (b < '0' || b > '9')) b = in.read();
        boolean neg = false;
        if (b == '-') { neg = true; b = in.read(); }
        long r = 0;
        while (b >= '0' && b <= '9') { r = r * 10 + (b - '0'); b = in.read(); }
        return neg ? -r : r;
    }
}
