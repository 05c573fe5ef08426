// Speedups: merge sort counting, for each element of the right half, the elements of
// the left half that are strictly larger. O(n log n), answer in a long.
import java.io.*;

public class Main {
    static int[] tmp;

    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        int n = readInt(in);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = readInt(in);
        tmp = new int[n];
        System.out.println(sortCount(a, 0, n));
    }

    // Sorts a[lo, hi) and returns the number of pairs i < j in it with a[j] < a[i].
    static long sortCount(int[] a, int lo, int hi) {
        if (hi - lo <= 1) return 0;
        int mid = (lo + hi) >>> 1;
        long c = sortCount(a, lo, mid) + sortCount(a, mid, hi);
        int i = lo, j = mid, k = lo;
        while (i < mid || j < hi) {
            if (j >= hi || (i < mid && a[i] <= a[j])) {
                tmp[k++] = a[i++];
            } else {
                c += mid - i;  // a[i..mid) are all strictly greater than a[j]
                tmp[k++] = a[j++];
            }
        }
        System.arraycopy(tmp, lo, a, lo, hi - lo);
        return c;
    }

    private static int readInt(DataInputStream in) throws IOException {
        int b = in.read();
        while (b < '0' || b > '9') b = in.read();
        int r = 0;
        while (b >= '0' && b <= '9') { r = r * 10 + (b - '0'); b = in.read(); }
        return r;
    }
}
