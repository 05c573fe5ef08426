// CRASHES: misreads the protocol and expects the replies to be 0 (good) or 1 (bad).
// Integer.parseInt("good") throws NumberFormatException on the first reply.
import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        long n = Long.parseLong(in.readLine().trim());
        long lo = 1, hi = n;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            System.out.println("? " + mid);
            System.out.flush();
            int bad = Integer.parseInt(in.readLine().trim());
            if (bad == 1) hi = mid;
            else lo = mid + 1;
        }
        System.out.println("! " + lo);
        System.out.flush();
    }
}
